//! Pass `version`: progenitor only reads OpenAPI 3.0.x. Swagger 2.0 and OpenAPI 3.1 were
//! converted by the passes before this one; anything else (3.2, 1.x, a document without a
//! version) is refused here with a pointer to the field instead of progenitor's bare
//! "invalid version".

use serde_json::Value;

use crate::error::{Error, Result};
use crate::normalize::Ctx;

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let file = cx.file;
    let err = |message: String| Error::Spec {
        file: file.to_owned(),
        pointer: "/openapi".into(),
        message,
    };
    match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) => Err(err(format!(
            "OpenAPI version `{v}` is not supported: apikit reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x"
        ))),
        Some(other) => Err(err(format!(
            "`openapi` must be a version string, found {other}"
        ))),
        None if doc.get("swagger").is_some() => Err(Error::Spec {
            file: file.to_owned(),
            pointer: "/swagger".into(),
            message:
                "Swagger version is not 2.0; apikit reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x"
                    .into(),
        }),
        None => Err(err(
            "missing `openapi` version field; is this an OpenAPI document?".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn accepts_3_0_and_names_the_field_otherwise() {
        let file = Path::new("spec.yaml");
        assert!(crate::normalize::run_alone(run, &mut json!({"openapi": "3.0.3"}), file).is_ok());
        let e = crate::normalize::run_alone(run, &mut json!({"openapi": "3.2.0"}), file)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "spec.yaml#/openapi: OpenAPI version `3.2.0` is not supported: apikit reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x"
        );
        let e = crate::normalize::run_alone(run, &mut json!({"swagger": "1.2"}), file)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("spec.yaml#/swagger: Swagger version is not 2.0"),
            "{e}"
        );
        let e = crate::normalize::run_alone(run, &mut json!({"openapi": 3}), file)
            .unwrap_err()
            .to_string();
        assert!(e.contains("must be a version string"), "{e}");
    }
}
