//! One OpenAPI document for mobile and web clients: the services' documents merged, with the
//! bearer-token scheme they all use.

use utoipa::openapi::{
    OpenApi,
    security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

/// The merged document served at `/api/openapi.json`.
pub fn merged() -> OpenApi {
    let mut doc = sangkien_intake::openapi();
    doc.merge(sangkien_appraisal::openapi());
    doc.merge(sangkien_decision::openapi());
    doc.info.title = "sangkien API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "Recognition of workplace initiatives (sáng kiến): intake, appraisal, decision and budget. \
         Errors are application/problem+json with a stable `code`; send `Accept-Language: en` for \
         English text."
            .into(),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    doc
}
