//! Spec descriptions → rustdoc that builds without warnings.
//!
//! Descriptions are CommonMark written for humans reading HTML, not for rustdoc: fenced code
//! blocks would be compiled as doctests, indented blocks likewise, `[x]` looks like an intra-doc
//! link, `<T>` like an unclosed HTML tag and a bare URL trips `rustdoc::bare_urls`. Each is
//! rewritten so the text reads the same and rustdoc stays quiet.

use crate::cat;
use proc_macro2::TokenStream;
use quote::quote;
use std::borrow::Cow;

/// `#[doc = "…"]` attributes for `text` (nothing when empty).
pub(crate) fn attrs(text: &str) -> TokenStream {
    rustdoc_attrs(&sanitize(text))
}

/// `#[doc = "…"]` attributes for text that is rustdoc already (its links are meant as links).
pub(crate) fn rustdoc_attrs(text: &str) -> TokenStream {
    if text.is_empty() {
        return TokenStream::new();
    }
    let lines = text.lines().map(|l| cat(&[" ", l]));
    quote! { #( #[doc = #lines] )* }
}

/// Joins optional paragraphs into one doc text.
pub(crate) fn join(parts: &[Option<&str>]) -> String {
    let mut out: Vec<String> = Vec::new();
    for p in parts.iter().flatten() {
        let p = p.trim();
        if p.is_empty() || out.iter().any(|o| o == p) {
            continue;
        }
        out.push(p.to_string());
    }
    out.join("\n\n")
}

/// Rewrites markdown so rustdoc renders it without warnings or doctests: code fences become
/// `text` blocks, indentation is dropped, [`escape_inline`] escapes the rest, runs of blank lines
/// collapse to one and the text is trimmed.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    sanitize_lines(text, &mut Lines::new(&mut out, None));
    out
}

/// [`sanitize`]d `text` written as doc comment lines, `{indent}{marker} {line}` (a blank line as
/// `{indent}{marker}`), as `prettyplease` prints one-line `doc` attributes; without making the
/// sanitized text first.
pub(crate) fn sanitize_into(out: &mut String, indent: usize, marker: &str, text: &str) {
    sanitize_lines(text, &mut Lines::new(out, Some((indent, marker))));
}

fn sanitize_lines(text: &str, out: &mut Lines<'_>) {
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        &normalized
    } else {
        text
    };
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                out.push(marker);
                fence = None;
            } else {
                out.push(line);
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marker = &trimmed[..trimmed.len() - trimmed.trim_start_matches(['`', '~']).len()];
            out.push(&cat(&[marker, "text"]));
            fence = Some(marker);
            continue;
        }
        // No indented code blocks (they would be doctests): drop leading indentation.
        out.push(&escape_inline(trimmed));
    }
    if let Some(marker) = fence {
        out.push(marker);
    }
}

/// Lines written as they come, each trimmed at its end, without blank lines at the start or the
/// end and with each run of blank lines inside collapsed to one: joined with `\n`, or as comment
/// lines (`Some((indent, marker))`).
struct Lines<'o> {
    out: &'o mut String,
    comment: Option<(usize, &'o str)>,
    started: bool,
    blank: bool,
}

impl<'o> Lines<'o> {
    fn new(out: &'o mut String, comment: Option<(usize, &'o str)>) -> Self {
        Lines {
            out,
            comment,
            started: false,
            blank: false,
        }
    }

    fn push(&mut self, line: &str) {
        let line = line.trim_end();
        if line.is_empty() {
            self.blank = self.started;
            return;
        }
        match self.comment {
            None => {
                if self.started {
                    self.out.push_str(if self.blank { "\n\n" } else { "\n" });
                }
                self.out.push_str(line);
            }
            Some((indent, marker)) => {
                if self.blank {
                    super::text::push_indent(self.out, indent);
                    self.out.push_str(marker);
                    self.out.push('\n');
                }
                super::text::push_indent(self.out, indent);
                self.out.push_str(marker);
                self.out.push(' ');
                self.out.push_str(line);
                self.out.push('\n');
            }
        }
        self.started = true;
        self.blank = false;
    }
}

/// Escapes one line outside code blocks: brackets, angle brackets and bare URLs. Inline code
/// spans are left alone.
///
/// Every character it looks for is ASCII, and UTF-8 never uses an ASCII byte inside another
/// character, so the line is scanned as bytes and the runs between escapes are copied whole.
fn escape_inline(line: &str) -> Cow<'_, str> {
    let bytes = line.as_bytes();
    // Most lines have nothing to escape: without these characters the loop below copies the
    // line unchanged, and so it does whose only such characters are backticks, balanced (code
    // spans). The checks are SIMD searches (`memchr`); a byte loop here was 8% of emission.
    let plain = memchr::memchr3(b'[', b']', b'<', bytes).is_none()
        && memchr::memchr2(b'>', b'\\', bytes).is_none()
        && !memchr::memchr_iter(b'h', bytes).any(|i| bytes[i..].starts_with(b"http"))
        && memchr::memchr_iter(b'`', bytes).count() % 2 == 0;
    if plain {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    // `line[copied..i]` is still to be copied as it is.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'`' {
            in_code = !in_code;
            i += 1;
            continue;
        }
        if in_code {
            i += 1;
            continue;
        }
        // Markdown links `[text](http…)` stay links.
        if b == b'[' {
            if let Some(end) = link_end(line, i) {
                i = end;
                continue;
            }
        }
        // At an ASCII byte, `i` is a character boundary.
        let rest = if b == b'h' { &line[i..] } else { "" };
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .unwrap_or(rest.len());
            let url = &rest[..len];
            let bare = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push_str(&line[copied..i]);
            out.push('<');
            out.push_str(bare);
            out.push('>');
            out.push_str(&url[bare.len()..]);
            i += len;
            copied = i;
            continue;
        }
        let escaped = match b {
            b'[' => "\\[",
            b']' => "\\]",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\\' => "\\\\",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&line[copied..i]);
        out.push_str(escaped);
        i += 1;
        copied = i;
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the doc; escape it instead.
        return Cow::Owned(escape_inline(&line.replace('`', "'")).into_owned());
    }
    out.push_str(&line[copied..]);
    Cow::Owned(out)
}

/// The end (exclusive) of a markdown link `[text](http…)` whose `[` is at byte `start`.
fn link_end(line: &str, start: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let close = bytes[start..].iter().position(|b| *b == b']')? + start;
    if bytes.get(close + 1) != Some(&b'(') {
        return None;
    }
    let target = &line[close + 2..];
    if !(target.starts_with("http://") || target.starts_with("https://")) {
        return None;
    }
    let end = target.find(')')? + close + 2;
    if bytes[start + 1..close]
        .iter()
        .any(|b| matches!(b, b'[' | b'`'))
    {
        return None;
    }
    Some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `chars` begins with `prefix` (without collecting a `String` per position).
    fn chars_start_with(chars: &[char], prefix: &str) -> bool {
        let mut rest = chars.iter();
        prefix.chars().all(|p| rest.next() == Some(&p))
    }

    /// `escape_inline` as it was written first, over a `Vec<char>`: the reference for the byte scan.
    fn escape_inline_by_chars(line: &str) -> Cow<'_, str> {
        // Most lines have nothing to escape: without these characters the loop below copies the
        // line unchanged, and so it does whose only such characters are backticks, balanced (code spans).
        if !line.contains(['[', ']', '<', '>', '\\'])
            && !line.contains("http")
            && line.bytes().filter(|b| *b == b'`').count() % 2 == 0
        {
            return Cow::Borrowed(line);
        }
        let mut out = String::with_capacity(line.len() + 8);
        let mut in_code = false;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '`' {
                in_code = !in_code;
                out.push(c);
                i += 1;
                continue;
            }
            if in_code {
                out.push(c);
                i += 1;
                continue;
            }
            // Markdown links `[text](http…)` stay links.
            if c == '[' {
                if let Some(end) = link_end_by_chars(&chars, i) {
                    let link: String = chars[i..end].iter().collect();
                    out.push_str(&link);
                    i = end;
                    continue;
                }
            }
            if c == 'h'
                && (chars_start_with(&chars[i..], "http://")
                    || chars_start_with(&chars[i..], "https://"))
            {
                let end = chars[i..]
                    .iter()
                    .position(|c| {
                        c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']')
                    })
                    .map_or(chars.len(), |p| i + p);
                let mut url: String = chars[i..end].iter().collect();
                let mut trailing = String::new();
                while url.ends_with(['.', ',', ';', ':', '!', '?']) {
                    trailing.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&trailing);
                i = end;
                continue;
            }
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\\' => out.push_str("\\\\"),
                _ => out.push(c),
            }
            i += 1;
        }
        if in_code {
            // An unbalanced backtick would swallow the rest of the doc; escape it instead.
            return Cow::Owned(escape_inline_by_chars(&line.replace('`', "'")).into_owned());
        }
        Cow::Owned(out)
    }

    /// The end (exclusive) of a markdown link `[text](http…)` starting at `start`.
    fn link_end_by_chars(chars: &[char], start: usize) -> Option<usize> {
        let close = chars[start..].iter().position(|c| *c == ']')? + start;
        if chars.get(close + 1) != Some(&'(') {
            return None;
        }
        let target_start = close + 2;
        let rest: String = chars[target_start..].iter().take(8).collect();
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            return None;
        }
        let end = chars[target_start..].iter().position(|c| *c == ')')? + target_start;
        if chars[start + 1..close]
            .iter()
            .any(|c| matches!(c, '[' | '`'))
        {
            return None;
        }
        Some(end + 1)
    }

    #[test]
    fn the_byte_scan_escapes_as_the_char_scan_did() {
        let pieces = [
            "a",
            " ",
            "h",
            "http",
            "http://x.io/a",
            "https://e.com/p?q=1.",
            "[",
            "]",
            "<",
            ">",
            "\\",
            "`",
            "(",
            ")",
            "[t](https://e.com)",
            "[a](b)",
            "é",
            "\u{a0}",
            "\u{2003}",
            ".",
            ",",
            "\"",
            "日本",
            "ttp",
            "](http://x)",
            "?",
            "https://z.io/x!?",
        ];
        for line in generated_texts(&pieces, 0x2545_f491_4f6c_dd1d, 60) {
            assert_eq!(
                escape_inline(&line),
                escape_inline_by_chars(&line),
                "{line:?}"
            );
        }
    }

    /// 20,000 texts of up to `2^(64 - shift) - 1` pieces each, from a fixed linear congruential
    /// sequence started at `seed`: the same texts on every run.
    fn generated_texts(pieces: &[&str], seed: u64, shift: u32) -> Vec<String> {
        let mut state = seed;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            state
        };
        (0..20_000)
            .map(|_| {
                (0..next() >> shift)
                    .map(|_| pieces[(next() >> 33) as usize % pieces.len()])
                    .collect()
            })
            .collect()
    }

    /// Doc comment lines written straight from the text are the lines of the sanitized text.
    #[test]
    fn doc_lines_are_the_sanitized_texts_lines() {
        let pieces = [
            "a",
            " ",
            "\n",
            "\n\n",
            "\n\n\n",
            "\r\n",
            "\r",
            "\t",
            "  ",
            "```",
            "~~~",
            "```json",
            "[x]",
            "<T>",
            "https://e.com/x.",
            "`code`",
            "é",
            "\u{a0}",
            "text",
        ];
        for text in generated_texts(&pieces, 0x9e37_79b9_7f4a_7c15, 59) {
            for (indent, marker) in [(0, "///"), (4, "///"), (0, "//!")] {
                let mut written = String::from("x\n");
                sanitize_into(&mut written, indent, marker, &text);
                let mut expected = String::from("x\n");
                super::super::text::comment_lines(&mut expected, indent, marker, &sanitize(&text));
                assert_eq!(written, expected, "{text:?}");
            }
        }
    }

    #[test]
    fn code_fences_become_text() {
        assert_eq!(
            sanitize("Example:\n```json\n{\"a\": 1}\n```"),
            "Example:\n```text\n{\"a\": 1}\n```"
        );
        assert_eq!(sanitize("```\nunclosed"), "```text\nunclosed\n```");
    }

    #[test]
    fn indentation_is_dropped() {
        assert_eq!(sanitize("Text\n\n    let x = 1;"), "Text\n\nlet x = 1;");
    }

    #[test]
    fn brackets_tags_and_urls_are_escaped() {
        assert_eq!(
            sanitize("See [docs] and <T>"),
            "See \\[docs\\] and &lt;T&gt;"
        );
        assert_eq!(
            sanitize("Go to https://example.com/x."),
            "Go to <https://example.com/x>."
        );
        assert_eq!(
            sanitize("[the docs](https://example.com)"),
            "[the docs](https://example.com)"
        );
        assert_eq!(sanitize("use `Vec<T>` here"), "use `Vec<T>` here");
        assert_eq!(sanitize("odd ` tick [x]"), "odd ' tick \\[x\\]");
        assert_eq!(sanitize("a\\b"), "a\\\\b");
    }

    #[test]
    fn blank_runs_collapse() {
        assert_eq!(sanitize("\n\na\n\n\n\nb\n\n"), "a\n\nb");
    }
}
