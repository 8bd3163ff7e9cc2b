//! Identifiers that become parts of object keys, parsed once where they enter: an Ozon article
//! (货号) and the user id of a key's `users/{user_id}/` prefix. A value of these types is
//! trimmed, not empty, short enough, and holds no `/`, `\`, `..` or control character, so it
//! is always one safe path segment.

use std::fmt;

/// Why `value` cannot be one path segment of an object key, if it cannot.
pub fn segment_problem(value: &str, max_chars: usize) -> Option<String> {
    if value.is_empty() {
        return Some("不能为空".into());
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Some(format!("长度 {chars} 超过 {max_chars} 个字符"));
    }
    if value.contains('/') || value.contains('\\') {
        return Some("不能包含 / 或 \\".into());
    }
    if value.contains("..") {
        return Some("不能包含 ..".into());
    }
    if value.chars().any(char::is_control) {
        return Some("不能包含控制字符".into());
    }
    None
}

macro_rules! segment {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            /// The trimmed value, or why it cannot be a key segment.
            pub fn parse(raw: &str) -> Result<Self, String> {
                let value = raw.trim();
                match segment_problem(value, Self::MAX_CHARS) {
                    None => Ok($name(value.to_string())),
                    Some(problem) => Err(problem),
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

segment!(
    /// An Ozon article (offer_id, SKU or vendor code, as the request says), at most 50 chars.
    Article,
    50
);

segment!(
    /// The user part of an image key: a REST caller's `user_id`, or a signed-in user's number.
    UserId,
    50
);

impl From<i64> for UserId {
    fn from(id: i64) -> Self {
        UserId(id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_trimmed_and_safe() {
        assert_eq!(Article::parse("  A-1 ").expect("ok").as_str(), "A-1");
        for bad in ["", "  ", "a/b", "a\\b", "..", "x..y", "a\u{7}b"] {
            assert!(Article::parse(bad).is_err(), "{bad:?}");
        }
        assert!(
            Article::parse(&"货".repeat(50)).is_ok(),
            "50 characters, not bytes"
        );
        assert!(Article::parse(&"货".repeat(51)).is_err());
        assert_eq!(UserId::from(42).as_str(), "42");
    }
}
