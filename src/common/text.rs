//! Text shown in messages (compiled for both the server and the browser).

/// Shows a value in a message: at most 60 characters, control characters escaped.
pub fn shown(value: &str) -> String {
    let mut out: String = value.chars().take(60).collect::<String>();
    if value.chars().count() > 60 {
        out.push('…');
    }
    out.escape_debug().to_string()
}
