//! Closed sets of stored codes (statuses, kinds): one enum per set, parsed once, so no handler
//! compares a status as text and the document lists the codes as an `enum` (issue 19; issue
//! 14, item 3). The stored column stays text, so a set can grow without a migration.

/// A stored code no member of its set has.
#[derive(Debug)]
pub struct UnknownCode {
    /// The set's name.
    pub set: &'static str,
    /// The code read.
    pub code: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} has no member with code {:?}", self.set, self.code)
    }
}

impl std::error::Error for UnknownCode {}

/// Declares a closed set: the enum (serialised as its codes, documented as a string `enum`),
/// `code()`, `parse()`, `label()` (Vietnamese, as the console and the papers show it) and
/// `ALL`. The schema is written here rather than derived: utoipa's derive does not read a
/// `rename` given through a macro, and the description lists each code beside its label.
/// Each variant is written `Variant = ("code", "Nhãn tiếng Việt")`; the calling crate
/// needs `serde` and `utoipa`.
#[macro_export]
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and wire code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The member of a stored code; `None` for a code this version does not know.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|s| s.code() == code)
            }

            /// The member of a code read from the store: an unknown one is a fault of the
            /// data (written by a newer version, or by hand), answered as an internal error.
            pub fn stored(code: &str) -> Result<Self, $crate::ApiError> {
                Self::parse(code).ok_or_else(|| {
                    $crate::ApiError::internal($crate::closed_set::UnknownCode {
                        set: stringify!($name),
                        code: code.to_owned(),
                    })
                })
            }

            /// The Vietnamese label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .description(Some(concat!($("`", $code, "` — ", $label, ". "),+).trim_end()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::closed_set! {
        /// A set for the test.
        pub enum Light {
            /// Red.
            Red = ("red", "Đỏ"),
            /// Green.
            Green = ("green_light", "Xanh"),
        }
    }

    #[test]
    fn a_closed_set_reads_back_from_its_codes_and_serialises_as_them() {
        for l in Light::ALL {
            assert_eq!(Light::parse(l.code()), Some(*l));
            assert_eq!(serde_json::to_value(l).ok(), Some(l.code().into()));
        }
        assert_eq!(Light::Green.label(), "Xanh");
        assert_eq!(Light::parse("blue"), None);
        assert!(Light::stored("blue").is_err());
        assert_eq!(Light::stored("red").ok(), Some(Light::Red));
        assert_eq!(Light::Green.to_string(), "green_light");
    }

    #[test]
    fn a_closed_set_is_documented_as_a_string_enum() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(Light::schema()).unwrap_or_default();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["enum"], serde_json::json!(["red", "green_light"]));
        assert_eq!(schema["description"], "`red` — Đỏ. `green_light` — Xanh.");
    }
}
