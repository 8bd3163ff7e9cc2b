//! A secret value: its `Debug` is redacted, it has no `Display` and no `Serialize`, so it cannot
//! slip into a log line, a page or a server-function response by accident.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plain value, for the one place that must send it (an HTTP header, a signature).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, which the pages may show.
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("d3f0c2a1-5b6e-4f70-8a9b-0c1d2e3f4a5b");
        let debug = format!("{secret:?} {:?}", Some(&secret));
        assert!(!debug.contains("d3f0"), "{debug}");
        assert_eq!(secret.last4(), "4a5b");
        assert_eq!(Secret::new("ab").last4(), "ab");
    }
}
