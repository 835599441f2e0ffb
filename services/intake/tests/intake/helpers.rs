//! The app under test: intake alone (kit's `testing::Alone`).

pub use sangkien_kit::testing::{Alone as App, code_of};

/// Intake started alone on a fresh database.
pub async fn start() -> App {
    App::start("intake", |settings, shared, listener| async move {
        sangkien_intake::start(&settings, &shared, listener).await
    })
    .await
    .expect("intake starts")
}
