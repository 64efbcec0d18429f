//! Every identifier rule in one place: spec names in, valid, idiomatic, collision-free Rust
//! identifiers out.
//!
//! - Casing is `heck`'s (`UpperCamelCase` for types and variants, `snake_case` for fields, methods
//!   and modules), applied after [`words`] has split the name on anything that is not a letter or a
//!   digit. [`words`] leaves only ASCII, which is cased by a byte-wise copy of heck's rules (heck
//!   works through `fmt` and Unicode tables); a test checks the two agree.
//! - A leading sign is spelled out (`+1` → `plus_1`, `-1` → `minus_1`); other symbols separate words
//!   (`@odata.nextLink` → `odata_next_link`, `$id` → `id`).
//! - A name that would start with a digit gets a prefix: `_` for snake case (`16x16` → `_16x16`),
//!   `V` for variants and `T` for types (`V16x16`).
//! - Rust keywords become raw identifiers (`type` → `r#type`); the four that cannot be raw (`self`,
//!   `Self`, `super`, `crate`) and `_` get a `_` suffix.
//! - Type names that collide with the prelude or with the client's own items (`Result`, `Option`,
//!   `String`, `Vec`, `Box`, `Error`, `Client`, …) get a `Model` suffix, so a glob import of the
//!   models never shadows them.
//! - Names that still collide (`fooBar` and `foo_bar`) get `2`, `3`, … in declaration order, which
//!   keeps the result deterministic: the same spec always gives the same names.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Declares [`KEYWORDS`] and [`is_keyword`] from one list.
macro_rules! keywords {
    ($($keyword:literal),* $(,)?) => {
        /// Keywords of the 2024 edition (strict, reserved and weak ones that matter in item
        /// position); the tests check the list against the other rules.
        #[cfg(test)]
        const KEYWORDS: &[&str] = &[$($keyword),*];

        /// Whether `s` is one of [`KEYWORDS`]: a `match`, which compiles to comparisons by length
        /// and then by integer (a search of the list called `memcmp` for each candidate, and was
        /// a few percent of lowering).
        fn is_keyword(s: &str) -> bool {
            matches!(s, $($keyword)|*)
        }
    };
}

keywords!(
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield"
);

/// The longest keyword's length: longer names (most of them) are not looked up.
const KEYWORD_MAX_LEN: usize = 8;

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names that would shadow the prelude or the client's own public items.
const RESERVED_TYPES: &[&str] = &[
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "Error",
    "Client",
    "ClientBuilder",
    "Response",
    "Page",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "ToString",
    "ToOwned",
    "Into",
    "From",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
];

/// Splits a spec name into words: letters and digits are kept, everything else separates, and a
/// leading `+`/`-` is spelled out.
pub fn words(raw: &str) -> String {
    let trimmed = raw.trim();
    let mut out = String::with_capacity(trimmed.len() + 6);
    let rest = if let Some(rest) = trimmed.strip_prefix('+') {
        out.push_str("plus");
        rest
    } else if let Some(rest) = trimmed.strip_prefix('-') {
        out.push_str("minus");
        rest
    } else {
        trimmed
    };
    // Non-ASCII letters are valid in identifiers but awkward to type: ASCII letters and digits
    // only, runs of anything else one space between words.
    let mut gap = true;
    for c in rest.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// `snake_case` identifier (field, method, module) for a spec name; `fallback` when nothing
/// usable remains.
pub fn snake(raw: &str, fallback: &str) -> String {
    // Most property and parameter names are snake case already; heck would return them
    // unchanged.
    if is_lower_snake(raw) {
        return escape_keyword(raw.to_string());
    }
    let w = words(raw);
    let mut s = if w.is_empty() {
        fallback.to_string()
    } else {
        case_ascii(&w, Case::Snake)
    };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// `UpperCamelCase` identifier for a type.
pub fn type_name(raw: &str, fallback: &str) -> String {
    let mut s = camel(raw, fallback, 'T');
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Model");
    }
    s
}

/// `UpperCamelCase` words for composing a longer type name (no reserved-name suffix).
pub fn pascal(raw: &str, fallback: &str) -> String {
    camel(raw, fallback, 'T')
}

/// `SHOUTY_SNAKE_CASE` of a name the generator made or was given (a builder's `UpperCamelCase`
/// name, a crate name), as heck writes it.
pub(crate) fn shouty(ident: &str) -> String {
    if ident.is_ascii() {
        case_ascii(ident, Case::ShoutySnake)
    } else {
        ident.to_shouty_snake_case()
    }
}

/// `snake_case` of a name the generator made (a type's `UpperCamelCase` name), as heck writes
/// it: unlike [`snake`], no keyword is escaped.
pub(crate) fn snake_words(ident: &str) -> String {
    if ident.is_ascii() {
        case_ascii(ident, Case::Snake)
    } else {
        ident.to_snake_case()
    }
}

/// `UpperCamelCase` identifier for an enum variant.
pub fn variant(raw: &str, fallback: &str) -> String {
    let s = camel(raw, fallback, 'V');
    if s == "Self" {
        "SelfValue".to_string()
    } else {
        s
    }
}

fn camel(raw: &str, fallback: &str, digit_prefix: char) -> String {
    // Names built from other names (an inline type's `ParentField`) are already UpperCamelCase:
    // heck would return them unchanged.
    if is_upper_camel(raw) {
        return raw.to_string();
    }
    camel_cased(raw, fallback, digit_prefix)
}

/// Whether heck's `to_upper_camel_case` leaves `s` as it is: ASCII letters and digits, an
/// uppercase letter first, and every other uppercase letter after a lowercase one (digits in
/// between), so each word heck finds starts with its only uppercase letter.
fn is_upper_camel(s: &str) -> bool {
    let bytes = s.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let mut after_lowercase = false;
    for &c in &bytes[1..] {
        if c.is_ascii_lowercase() {
            after_lowercase = true;
        } else if c.is_ascii_uppercase() {
            if !after_lowercase {
                return false;
            }
            after_lowercase = false;
        } else if !c.is_ascii_digit() {
            return false;
        }
    }
    true
}

/// Whether `s` is snake case as heck writes it: words of ASCII lowercase letters and digits joined
/// by single underscores, a letter first. heck's `to_snake_case` leaves such a name as it is.
fn is_lower_snake(s: &str) -> bool {
    let bytes = s.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_lowercase) || bytes.last() == Some(&b'_') {
        return false;
    }
    let mut after_underscore = false;
    for &c in bytes {
        if c == b'_' {
            if after_underscore {
                return false;
            }
            after_underscore = true;
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
            after_underscore = false;
        } else {
            return false;
        }
    }
    true
}

fn camel_cased(raw: &str, fallback: &str, digit_prefix: char) -> String {
    let w = words(raw);
    let mut s = if w.is_empty() {
        fallback.to_upper_camel_case()
    } else {
        case_ascii(&w, Case::UpperCamel)
    };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, digit_prefix);
    }
    s
}

#[derive(Clone, Copy)]
enum Case {
    Snake,
    UpperCamel,
    ShoutySnake,
}

/// heck's casing of an ASCII string, without heck: heck splits and writes each character through
/// `fmt` with Unicode case tables, which made naming a tenth of a small spec's lowering. The
/// words are heck's: runs of letters and digits, split again before an uppercase letter that
/// follows a lowercase one (digits in between) and before the last of several uppercase letters
/// when a lowercase one follows (`HTTPServer` → `HTTP`, `Server`). A test checks it against heck.
fn case_ascii(s: &str, case: Case) -> String {
    debug_assert!(s.is_ascii(), "{s}");
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut out = Vec::with_capacity(s.len() + 4);
    let mut push_word = |word: &[u8]| {
        let (&first, tail) = word.split_first().expect("words are not empty");
        match case {
            Case::Snake | Case::ShoutySnake if !out.is_empty() => out.push(b'_'),
            _ => {}
        }
        let (first, tail_upper) = match case {
            Case::Snake => (first.to_ascii_lowercase(), false),
            Case::UpperCamel => (first.to_ascii_uppercase(), false),
            Case::ShoutySnake => (first.to_ascii_uppercase(), true),
        };
        out.push(first);
        let start = out.len();
        out.extend_from_slice(tail);
        if tail_upper {
            out[start..].make_ascii_uppercase();
        } else {
            out[start..].make_ascii_lowercase();
        }
    };
    for segment in s.as_bytes().split(|c| !c.is_ascii_alphanumeric()) {
        let (mut init, mut mode) = (0, Mode::Boundary);
        for (i, &c) in segment.iter().enumerate() {
            let Some(&next) = segment.get(i + 1) else {
                push_word(&segment[init..]);
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                push_word(&segment[init..=i]);
                (init, mode) = (i + 1, Mode::Boundary);
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                push_word(&segment[init..i]);
                (init, mode) = (i, Mode::Boundary);
            } else {
                mode = next_mode;
            }
        }
    }
    String::from_utf8(out).expect("ASCII in, ASCII out")
}

/// Makes a keyword usable as an identifier: `r#type`, or `self_` where raw is not allowed.
pub fn escape_keyword(s: String) -> String {
    if s.len() > KEYWORD_MAX_LEN {
        s
    } else if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if is_keyword(&s) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The identifier without a raw prefix (what serde sees as the field's name).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Hands out unique names within one scope, in call order.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    /// Names taken from the start (every operation's builder reserves the same ones: they are
    /// compared, not copied into each scope).
    reserved: &'static [&'static str],
    /// The names taken, searched in order while there are at most [`Scope::FEW`] (most scopes
    /// are one struct's fields or one builder's setters: a set would hash each name and grow
    /// several times).
    few: Vec<String>,
    /// The names taken, once there are more.
    many: crate::FastSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &'static [&'static str]) -> Self {
        Self {
            reserved,
            ..Self::default()
        }
    }

    const FEW: usize = 16;

    /// Takes `name` unless it is taken already; whether it was free.
    fn take(&mut self, name: &str) -> bool {
        if self.contains(name) {
            return false;
        }
        if self.many.is_empty() && self.few.len() < Self::FEW {
            self.few.push(name.to_string());
        } else {
            self.many.extend(self.few.drain(..));
            self.many.insert(name.to_string());
        }
        true
    }

    /// Claims `name`, or `name2`, `name3`, … (for snake case `name_2`, …) if it is taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.take(&name) {
            return name;
        }
        let raw = unraw(&name).trim_end_matches('_').to_string();
        let snake = raw
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        (2..)
            .map(|i| {
                if snake {
                    format!("{raw}_{i}")
                } else {
                    format!("{raw}{i}")
                }
            })
            .find(|candidate| self.take(candidate))
            .expect("an unused numbered name always exists")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.reserved.contains(&name)
            || self.few.iter().any(|taken| taken == name)
            || self.many.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `words` as it was written first, in three passes: the reference for the one-pass version.
    fn words_in_passes(raw: &str) -> String {
        let trimmed = raw.trim();
        let mut out = String::new();
        let rest = if let Some(rest) = trimmed.strip_prefix('+') {
            out.push_str("plus ");
            rest
        } else if let Some(rest) = trimmed.strip_prefix('-') {
            out.push_str("minus ");
            rest
        } else {
            trimmed
        };
        for c in rest.chars() {
            out.push(if c.is_alphanumeric() { c } else { ' ' });
        }
        let ascii: String = out
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        ascii.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn words_keep_ascii_letters_and_digits_one_space_apart() {
        let pieces = [
            "", " ", "+", "-", "a", "Z9", "é", "ß", "_", ".", "  ", "\t", "日本", "x-y", "$",
            "\u{a0}",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let raw = format!("{a}{b}{c}");
                    assert_eq!(words(&raw), words_in_passes(&raw), "{raw:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, pieces.len().pow(3));
        assert_eq!(words("  +1 café--ok  "), "plus 1 caf ok");
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert!(
            KEYWORDS
                .iter()
                .chain(NOT_RAW)
                .all(|k| k.len() <= KEYWORD_MAX_LEN)
        );
        assert!(KEYWORDS.iter().all(|k| is_keyword(k)));
        assert!(
            !["types", "Type", "sel", "", "r#type"]
                .iter()
                .any(|k| is_keyword(k))
        );
        for kw in [
            "type", "match", "ref", "move", "async", "gen", "fn", "try", "dyn",
        ] {
            assert_eq!(snake(kw, "x"), format!("r#{kw}"));
        }
        for kw in ["self", "super", "crate"] {
            assert_eq!(snake(kw, "x"), format!("{kw}_"));
        }
    }

    #[test]
    fn signs_digits_and_symbols() {
        assert_eq!(snake("+1", "x"), "plus_1");
        assert_eq!(snake("-1", "x"), "minus_1");
        assert_eq!(snake("16x16", "x"), "_16x16");
        assert_eq!(snake("$id", "x"), "id");
        assert_eq!(snake("@odata.nextLink", "x"), "odata_next_link");
        assert_eq!(snake("$", "field"), "field");
        assert_eq!(variant("16x16", "x"), "V16x16");
        assert_eq!(variant("+1", "x"), "Plus1");
        assert_eq!(variant("in-progress", "x"), "InProgress");
        assert_eq!(variant("", "empty"), "Empty");
        assert_eq!(type_name("3dModel", "x"), "T3dModel");
    }

    /// Calls `check` with every string of at most `max_len` characters from `alphabet`, the
    /// empty one first.
    fn each_string(alphabet: &[char], max_len: usize, check: &mut impl FnMut(&str)) {
        fn walk(s: &mut String, alphabet: &[char], left: usize, check: &mut impl FnMut(&str)) {
            check(s);
            if left == 0 {
                return;
            }
            for &c in alphabet {
                s.push(c);
                walk(s, alphabet, left - 1, check);
                s.pop();
            }
        }
        walk(&mut String::new(), alphabet, max_len, check);
    }

    /// The shortcut for names that are UpperCamelCase already gives what heck gives, for every
    /// string of up to six characters over letters of both cases, digits and a separator.
    #[test]
    fn upper_camel_shortcut_agrees_with_heck() {
        let mut shortcuts = 0;
        each_string(&['A', 'b', 'C', 'd', '1', '_'], 6, &mut |s| {
            if s.is_empty() {
                return;
            }
            let expected = camel_cased(s, "X", 'T');
            if is_upper_camel(s) {
                shortcuts += 1;
                assert_eq!(s, expected, "{s}");
            }
            assert_eq!(camel(s, "X", 'T'), expected, "{s}");
        });
        assert!(
            shortcuts > 1000,
            "only {shortcuts} strings took the shortcut"
        );
        for name in [
            "ReposListForOrgResponseItemOwner",
            "V1Beta2Thing",
            "Item2T3d",
            "HTTPServer",
            "Ab1C",
        ] {
            assert_eq!(camel(name, "X", 'T'), camel_cased(name, "X", 'T'), "{name}");
        }
    }

    /// The snake case shortcut and the ASCII casing give what heck gives, for every string of up
    /// to five characters over letters of both cases, a digit and three separators, and of up to
    /// eight over letters and a digit (long runs of case changes).
    #[test]
    fn casing_without_heck_agrees_with_heck() {
        let (mut snake_shortcuts, mut cased) = (0, 0);
        let mut check = |s: &str| {
            if is_lower_snake(s) {
                snake_shortcuts += 1;
                assert_eq!(s, words(s).to_snake_case(), "{s}");
            }
            cased += 1;
            assert_eq!(case_ascii(s, Case::Snake), s.to_snake_case(), "{s}");
            assert_eq!(
                case_ascii(s, Case::UpperCamel),
                s.to_upper_camel_case(),
                "{s}"
            );
            assert_eq!(
                case_ascii(s, Case::ShoutySnake),
                s.to_shouty_snake_case(),
                "{s}"
            );
        };
        each_string(&['a', 'b', 'C', 'D', '1', '_', '-', ' '], 5, &mut check);
        each_string(&['a', 'B', 'C', '1'], 8, &mut check);
        assert!(snake_shortcuts > 400, "{snake_shortcuts} snake shortcuts");
        assert_eq!(
            cased,
            (0..=5).map(|n| 8usize.pow(n)).sum::<usize>()
                + (0..=8).map(|n| 4usize.pow(n)).sum::<usize>()
        );
        for (name, snake_case, camel_case) in [
            ("type", "r#type", "Type"),
            ("get_2fa", "get_2fa", "Get2fa"),
            (
                "Trashed items (List)",
                "trashed_items_list",
                "TrashedItemsList",
            ),
            ("GROUP_ADD_USER", "group_add_user", "GroupAddUser"),
            (
                "repos/list-for-org",
                "repos_list_for_org",
                "ReposListForOrg",
            ),
            (
                "securityClassification-6VMVochwUWo",
                "security_classification_6vm_vochw_u_wo",
                "SecurityClassification6vmVochwUWo",
            ),
            ("2fa", "_2fa", "T2fa"),
        ] {
            assert_eq!(snake(name, "x"), snake_case, "{name}");
            assert_eq!(type_name(name, "X"), camel_case, "{name}");
        }
    }

    #[test]
    fn casing_follows_heck() {
        assert_eq!(snake("pipelineId", "x"), "pipeline_id");
        assert_eq!(snake("updated_at", "x"), "updated_at");
        assert_eq!(snake("X-RateLimit-Limit", "x"), "x_rate_limit_limit");
        assert_eq!(type_name("reverse_etl_sync", "x"), "ReverseEtlSync");
        assert_eq!(type_name("pipeline.run-request", "x"), "PipelineRunRequest");
    }

    #[test]
    fn prelude_and_crate_names_are_suffixed() {
        for name in [
            "Result", "Option", "String", "Vec", "Box", "Error", "Client", "Self",
        ] {
            assert_eq!(type_name(name, "x"), format!("{name}Model"));
        }
        assert_eq!(type_name("ErrorCode", "x"), "ErrorCode");
    }

    #[test]
    fn collisions_are_numbered_in_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim(snake("fooBar", "x")), "foo_bar");
        assert_eq!(scope.claim(snake("foo_bar", "x")), "foo_bar_2");
        assert_eq!(scope.claim(snake("FOO-BAR", "x")), "foo_bar_3");
        let mut types = Scope::default();
        assert_eq!(types.claim(type_name("pet", "x")), "Pet");
        assert_eq!(types.claim(type_name("Pet", "x")), "Pet2");
        let mut raw = Scope::default();
        assert_eq!(raw.claim(snake("type", "x")), "r#type");
        assert_eq!(raw.claim(snake("Type", "x")), "type_2");
    }

    /// A scope finds its names the same before and after it has more than `Scope::FEW`.
    #[test]
    fn large_scopes_still_see_every_name() {
        let mut scope = Scope::with_reserved(&["reserved"]);
        let names: Vec<String> = (0..3 * Scope::FEW).map(|i| format!("name_{i}")).collect();
        for name in &names {
            assert_eq!(scope.claim(name.clone()), *name);
        }
        for name in &names {
            assert!(scope.contains(name), "{name}");
            assert_eq!(scope.claim(name.clone()), format!("{name}_2"));
        }
        assert_eq!(scope.claim("reserved".into()), "reserved_2");
        assert!(!scope.contains("name"));
    }

    #[test]
    fn reserved_names_are_avoided() {
        let mut scope = Scope::with_reserved(&["send", "options"]);
        assert_eq!(scope.claim(snake("send", "x")), "send_2");
    }
}
