//! The app under test: decision alone (kit's `testing::Alone`).

pub use sangkien_kit::testing::{Alone as App, code_of, fields_of};

/// Decision started alone on a fresh database.
pub async fn start() -> App {
    App::start("decision", |settings, shared, listener| async move {
        sangkien_decision::start(&settings, &shared, listener).await
    })
    .await
    .expect("decision starts")
}
