//! Parts of the models module written straight as formatted text: a struct's definition, its
//! `Serialize` and `Deserialize` impls, constructor, `Default` and default-value functions, a
//! string enum's items, an untagged union, a type alias and a `#[cfg]` attribute.
//! The layout helpers here serve [`super::ops_text`] too.
//!
//! These are most of the models module of a large spec (GitHub's: 6.5 of 7.9 MB), and going
//! from tokens through `syn` and `prettyplease` to text was the largest single cost of
//! generation. Their shape is fixed, so they are written here in the layout `prettyplease` gives
//! the tokens [`super::models`] emits for them: a group is flat when it fits in the 89-column
//! margin, else broken the way `prettyplease` breaks it. A line whose layout is not modelled
//! here (a field access too long even on its own line, a field type too long for its line)
//! makes the part return `None`, and it is emitted as tokens instead. Debug builds format the
//! tokens too and compare (`krate::check_text`), so every test run that generates checks this
//! layout against `prettyplease`; the tests below sweep every line length.

use super::{Place, docs, ty_text};
use crate::cat;
use crate::ir::{
    Api, Discriminator, EnumVariant, Field, Presence, StructDef, TypeDef, TypeRef, UnionDef,
};
use proc_macro2::Literal;
use std::fmt::Write;

/// `prettyplease`'s line width: a group is printed flat when it fits in it together with the text
/// that follows it up to the next possible break.
pub(super) const MARGIN: usize = 89;

/// Appends a line (indentation, `pieces`, newline) that `prettyplease` cannot break; `None` when
/// it is too long to be sure of that. Lines are written from pieces rather than through
/// `format!`: the formatting machinery was a fifth of a large spec's emission.
pub(super) fn line(out: &mut String, indent: usize, pieces: &[&str]) -> Option<()> {
    let start = out.len();
    push_indent(out, indent);
    for piece in pieces {
        out.push_str(piece);
    }
    (out.len() - start <= MARGIN).then(|| out.push('\n'))
}

/// Appends a line whose layout the caller has decided, from `pieces`.
pub(super) fn put(out: &mut String, indent: usize, pieces: &[&str]) -> Option<()> {
    push_indent(out, indent);
    for piece in pieces {
        out.push_str(piece);
    }
    out.push('\n');
    Some(())
}

pub(super) fn push_indent(out: &mut String, indent: usize) {
    const SPACES: &str = "                                                                ";
    match SPACES.get(..indent) {
        Some(spaces) => out.push_str(spaces),
        None => out.extend(std::iter::repeat_n(' ', indent)),
    }
}

/// How `prettyplease` lays out a group that is `len` bytes long, flat, up to its next break.
#[derive(PartialEq)]
pub(super) enum Layout {
    Flat,
    Broken,
}

pub(super) fn layout(len: usize) -> Layout {
    if len <= MARGIN {
        Layout::Flat
    } else {
        Layout::Broken
    }
}

/// What follows a group on its line: `text`, and whether `prettyplease` counts it when it decides
/// whether the group fits (the trailing comma of a struct literal's last field is written only
/// when the literal is broken, so it is not counted).
pub(super) struct End<'a> {
    pub text: &'a str,
    pub counted: bool,
}

impl End<'_> {
    pub(super) fn width(&self) -> usize {
        if self.counted { self.text.len() } else { 0 }
    }
}

/// A struct literal's field ends with a comma, counted unless it is the last field.
pub(super) fn field_end(last: bool) -> End<'static> {
    End {
        text: ",",
        counted: !last,
    }
}

/// `{head} for {name} {`, on two lines when it does not fit on one.
pub(super) fn impl_header(out: &mut String, head: &str, name: &str) {
    if layout(head.len() + 5 + name.len() + 2) == Layout::Flat {
        let _ = writeln!(out, "{head} for {name} {{");
    } else {
        let _ = writeln!(out, "{head}\nfor {name} {{");
    }
}

/// A statement's `;`.
pub(super) const STATEMENT: End<'static> = End {
    text: ";",
    counted: true,
};

/// `receiver.method(args)` + `end` at `indent`: flat; or the receiver alone, then
/// `.method(args)` + `end` one level deeper; or that with one argument per line. `None` when the
/// receiver, one that could break, does not fit its line.
pub(super) fn method_call(
    out: &mut String,
    indent: usize,
    receiver: &str,
    method: &str,
    args: &[&str],
    end: &End<'_>,
) -> Option<()> {
    let joined = args.join(", ");
    let call = 1 + method.len() + 1 + joined.len() + 1 + end.width();
    let text = end.text;
    if layout(indent + receiver.len() + call) == Layout::Flat {
        return put(
            out,
            indent,
            &[receiver, ".", method, "(", &joined, ")", text],
        );
    }
    if receiver.contains(['(', '[', '.', '<', '&', '{']) {
        line(out, indent, &[receiver])?;
    } else {
        // A name or `name: slot` cannot break: a long one runs past the margin.
        put(out, indent, &[receiver])?;
    }
    let inner = indent + 4;
    if layout(inner + call) == Layout::Flat {
        return put(out, inner, &[".", method, "(", &joined, ")", text]);
    }
    if args.is_empty() {
        return None;
    }
    call_broken(out, inner, &cat(&[".", method]), args, end)
}

/// `callee(` on one line, each argument on its own line one level deeper with a trailing comma,
/// then `)` + `end`.
pub(super) fn call_broken(
    out: &mut String,
    indent: usize,
    callee: &str,
    args: &[&str],
    end: &End<'_>,
) -> Option<()> {
    line(out, indent, &[callee, "("])?;
    for (i, arg) in args.iter().enumerate() {
        // The last argument's comma is written only because the list is broken: it does not
        // count towards the width.
        let comma = usize::from(i + 1 < args.len());
        // A string literal or a path cannot be broken; a field access behind a reference
        // (`&X.name`) breaks before its `.` when it does not fit.
        if arg.starts_with('"')
            || !arg.contains('.')
            || layout(indent + 4 + arg.len() + comma) == Layout::Flat
        {
            put(out, indent + 4, &[arg, ","])?;
        } else {
            let (base, field) = field_access(arg)?;
            put(out, indent + 4, &[base])?;
            put(out, indent + 8, &[".", field, ","])?;
        }
    }
    line(out, indent, &[")", end.text])
}

/// `&base.field` → (`&base`, `field`) when `base` is a path or `self` and `field` a name: a
/// field access that `prettyplease` breaks before the `.`. (Without the `&`, a base of up to 4
/// bytes at the start of a line would stay on the line; that case is not modelled.)
fn field_access(arg: &str) -> Option<(&str, &str)> {
    let (base, field) = arg.split_once('.')?;
    let name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let path = base.strip_prefix('&')?;
    (name(path) && name(field)).then_some((base, field))
}

/// Doc comment lines for `text` as `docs::attrs` makes them and `prettyplease` prints them: each
/// line ` {line}` after `///`, trailing spaces trimmed.
pub(super) fn doc_lines(out: &mut String, indent: usize, text: &str) {
    docs::sanitize_into(out, indent, "///", text);
}

/// Doc comment lines for text that is rustdoc already, as `docs::rustdoc_attrs` makes them.
pub(super) fn rustdoc_lines(out: &mut String, indent: usize, text: &str) {
    comment_lines(out, indent, "///", text);
}

/// Doc comment lines `{marker} {line}` (`///` or `//!`), trailing spaces trimmed, as
/// `prettyplease` prints one-line `doc` attributes.
pub(super) fn comment_lines(out: &mut String, indent: usize, marker: &str, text: &str) {
    for l in text.lines() {
        push_indent(out, indent);
        out.push_str(marker);
        out.push(' ');
        out.push_str(l);
        out.truncate(out.trim_end_matches(' ').len());
        out.push('\n');
    }
}

/// A field's type as `models::field_type` makes it.
fn field_type(api: &Api, f: &Field) -> String {
    let inner = ty_text(api, &f.ty, Place::Models);
    let inner = if f.boxed {
        cat(&["Box<", &inner, ">"])
    } else {
        inner
    };
    match f.presence {
        Presence::Required | Presence::Defaulted => inner,
        Presence::RequiredNullable | Presence::Optional => cat(&["Option<", &inner, ">"]),
        Presence::OptionalNullable => cat(&["rt::Nullable<", &inner, ">"]),
    }
}

/// `{vis}{name}: {ty},` in a struct definition (`vis` is `pub ` or empty): flat when it fits,
/// else the type's outermost generic arguments one per line (`Option<` … `>,`), each broken the
/// same way when it does not fit; a path without generic arguments runs past the margin. `None`
/// when the line before the arguments does not fit either.
pub(super) fn field_line(out: &mut String, vis: &str, name: &str, ty: &str) -> Option<()> {
    if layout(4 + vis.len() + name.len() + 2 + ty.len() + 1) == Layout::Flat {
        return put(out, 4, &[vis, name, ": ", ty, ","]);
    }
    let Some((head, args)) = generic_args(ty) else {
        // A path without generic arguments cannot break.
        return (!ty.contains(['(', '[', '&']))
            .then(|| put(out, 4, &[vis, name, ": ", ty, ","]))?;
    };
    line(out, 4, &[vis, name, ": ", head, "<"])?;
    for (i, arg) in args.iter().enumerate() {
        generic_arg(out, 8, arg, i + 1 == args.len())?;
    }
    put(out, 4, &[">,"])
}

/// One parameter or generic argument of a broken list: flat (its comma counted unless it is the
/// last one, whose comma is written only because the list is broken), else broken at its own
/// generic arguments, each laid out the same way. A path without generic arguments cannot
/// break and runs past the margin.
pub(super) fn generic_arg(out: &mut String, indent: usize, arg: &str, last: bool) -> Option<()> {
    let comma = usize::from(!last);
    if layout(indent + arg.len() + comma) == Layout::Flat {
        return put(out, indent, &[arg, ","]);
    }
    let Some((head, args)) = generic_args(arg) else {
        return (!arg.contains(['(', '[', '&'])).then(|| put(out, indent, &[arg, ","]))?;
    };
    line(out, indent, &[head, "<"])?;
    for (i, a) in args.iter().enumerate() {
        generic_arg(out, indent + 4, a, i + 1 == args.len())?;
    }
    put(out, indent, &[">,"])
}

/// `Head<A, B>` → (`Head`, [`A`, `B`]), splitting only at the outermost level.
pub(super) fn generic_args(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty.strip_suffix('>')?.get(open + 1..)?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    Some((&ty[..open], args))
}

/// A type's docs (its description, else a line naming its schema) and `#[deprecated]`, as
/// `models::type_header` makes them.
fn type_header(out: &mut String, t: &TypeDef) {
    match &t.doc {
        Some(doc) => doc_lines(out, 0, doc),
        None => {
            let schema = t.pointer.rsplit('/').next().unwrap_or(&t.name);
            doc_lines(out, 0, &cat(&["The `", schema, "` schema."]));
        }
    }
    if t.deprecated {
        out.push_str("#[deprecated]\n");
    }
}

/// `pub type {name} = {target};` with the type's docs: on one line, or broken at the target's
/// outermost generic arguments (`Vec<` … `>;`). `None` when neither fits.
pub(super) fn alias(api: &Api, t: &TypeDef, target: &TypeRef) -> Option<String> {
    let mut out = String::with_capacity(120);
    type_header(&mut out, t);
    // An IR name is already an identifier's text (`r#type` for a keyword).
    let name = &t.name;
    let target = ty_text(api, target, Place::Models);
    if layout(9 + name.len() + 3 + target.len() + 1) == Layout::Flat {
        put(&mut out, 0, &["pub type ", name, " = ", &target, ";"])?;
        return Some(out);
    }
    let Some((head, args)) = generic_args(&target) else {
        // A path without generic arguments cannot break: the line runs past the margin.
        return (!target.contains(['(', '[', '&']))
            .then(|| put(&mut out, 0, &["pub type ", name, " = ", &target, ";"]))?
            .map(|()| out);
    };
    line(&mut out, 0, &["pub type ", name, " = ", head, "<"])?;
    for (i, arg) in args.iter().enumerate() {
        generic_arg(&mut out, 4, arg, i + 1 == args.len())?;
    }
    put(&mut out, 0, &[">;"])?;
    Some(out)
}

/// A struct's definition with its docs; `None` when a line is too long to be sure of its layout.
pub(super) fn struct_definition(api: &Api, t: &TypeDef, s: &StructDef) -> Option<String> {
    if s.fields.is_empty() && s.additional.is_none() {
        return None;
    }
    let name = t.name.clone();
    let mut out = String::with_capacity(200 + 120 * s.fields.len());
    type_header(&mut out, t);
    out.push_str("#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\n");
    put(&mut out, 0, &["pub struct ", &name, " {"])?;
    for f in &s.fields {
        match &f.doc {
            Some(doc) => doc_lines(&mut out, 4, doc),
            None => doc_lines(&mut out, 4, &cat(&["`", &f.wire, "`"])),
        }
        if f.deprecated {
            out.push_str("    #[deprecated]\n");
        }
        field_line(&mut out, "pub ", &f.name, &field_type(api, f))?;
    }
    if let Some(a) = &s.additional {
        out.push_str("    /// Properties beyond the declared ones.\n");
        let ty = cat(&[
            "std::collections::BTreeMap<String, ",
            &ty_text(api, a, Place::Models),
            ">",
        ]);
        field_line(&mut out, "pub ", &s.additional_name, &ty)?;
    }
    out.push_str("}\n");
    Some(out)
}

/// A string literal as `quote` writes it (and `prettyplease` prints it back unchanged). Printable
/// ASCII but `"` and `\\` is written as it is, as `quote` does; anything else goes through it.
pub(super) fn lit(s: &str) -> String {
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return out;
    }
    Literal::string(s).to_string()
}

/// `impl serde::Serialize` through the runtime's `ObjectWriter`; `None` when a line is too long.
pub(super) fn serialize(t: &TypeDef, s: &StructDef) -> Option<String> {
    if s.fields.is_empty() && s.additional.is_none() {
        return None;
    }
    let name = t.name.clone();
    let mut out = String::with_capacity(200 + 48 * s.fields.len());
    impl_header(&mut out, "impl serde::Serialize", &name);
    out.push_str(
        "    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n        let mut object = rt::ObjectWriter::new(serializer);\n",
    );
    // `&self.{name}`, written again for each field.
    let mut value = String::with_capacity(64);
    for f in &s.fields {
        let method = match f.presence {
            Presence::Required | Presence::RequiredNullable | Presence::Defaulted => "field",
            Presence::Optional => "optional",
            Presence::OptionalNullable => "nullable",
        };
        value.clear();
        value.push_str("&self.");
        value.push_str(&f.name);
        method_call(
            &mut out,
            8,
            "object",
            method,
            &[&lit(&f.wire), &value],
            &STATEMENT,
        )?;
    }
    if s.additional.is_some() {
        let value = cat(&["&self.", &s.additional_name]);
        method_call(&mut out, 8, "object", "additional", &[&value], &STATEMENT)?;
    }
    out.push_str("        object.end()\n    }\n}\n");
    Some(out)
}

/// The end of a `Deserialize` impl after `visit_map`'s last expression.
const CLOSE_VISITOR: &str =
    "            }\n        }\n        deserializer.deserialize_map(Visitor)\n    }\n}\n";

/// `impl serde::Deserialize`: a map visitor with one arm per field; `None` when a line is too
/// long.
pub(super) fn deserialize(t: &TypeDef, s: &StructDef) -> Option<String> {
    if s.fields.is_empty() {
        return None;
    }
    let name = t.name.clone();
    let mut out = String::with_capacity(1200 + 160 * s.fields.len());
    impl_header(&mut out, "impl<'de> serde::Deserialize<'de>", &name);
    out.push_str(
        "    fn deserialize<D: serde::Deserializer<'de>>(\n        deserializer: D,\n    ) -> Result<Self, D::Error> {\n",
    );
    let wires: Vec<String> = s.fields.iter().map(|f| lit(&f.wire)).collect();
    // 8 spaces, `const FIELDS: &[&str] = &[` (26), the elements joined by `, `, then `];`.
    let flat = 8 + 26 + wires.iter().map(|w| w.len() + 2).sum::<usize>();
    if layout(flat) == Layout::Flat {
        line(
            &mut out,
            8,
            &["const FIELDS: &[&str] = &[", &wires.join(", "), "];"],
        )?;
    } else {
        out.push_str("        const FIELDS: &[&str] = &[\n");
        for w in &wires {
            let _ = writeln!(out, "            {w},");
        }
        out.push_str("        ];\n");
    }
    out.push_str(
        "        struct Visitor;\n        impl<'de> serde::de::Visitor<'de> for Visitor {\n",
    );
    put(&mut out, 12, &["type Value = ", &name, ";"])?;
    out.push_str(
        "            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n",
    );
    let expecting = lit(&cat(&["a ", &t.name, " object"]));
    if layout(16 + 13 + expecting.len()) == Layout::Flat {
        put(&mut out, 16, &["f.write_str(", &expecting, ")"])?;
    } else {
        call_broken(
            &mut out,
            16,
            "f.write_str",
            &[&expecting],
            &End {
                text: "",
                counted: true,
            },
        )?;
    }
    out.push_str(
        "            }\n            fn visit_map<A: serde::de::MapAccess<'de>>(\n                self,\n                map: A,\n",
    );
    if layout(12 + 25 + name.len()) == Layout::Flat {
        put(&mut out, 12, &[") -> Result<", &name, ", A::Error> {"])?;
    } else {
        let _ = writeln!(
            out,
            "            ) -> Result<\n                {name},\n                A::Error,\n            > {{"
        );
    }
    if s.additional.is_some() {
        out.push_str(
            "                let mut map = rt::Fields::new(\n                    map,\n                    rt::FieldSeed::keeping_unknown(FIELDS),\n                );\n",
        );
    } else {
        out.push_str(
            "                let mut map = rt::Fields::new(map, rt::FieldSeed::new(FIELDS));\n",
        );
    }
    for i in 0..s.fields.len() {
        let _ = writeln!(out, "                let mut field_{i} = None;");
    }
    if s.additional.is_some() {
        out.push_str("                let mut additional = std::collections::BTreeMap::new();\n");
    }
    out.push_str(
        "                while let Some(field) = map.next_field()? {\n                    match field {\n",
    );
    for i in 0..s.fields.len() {
        let _ = writeln!(
            out,
            "                        rt::Field::Known({i}usize) => map.value(&mut field_{i}),"
        );
    }
    if s.additional.is_some() {
        out.push_str(
            "                        rt::Field::Unknown(Some(key)) => {\n                            map.additional(&mut additional, key)\n                        }\n",
        );
    }
    out.push_str(
        "                        _ => map.skip(),\n                    }?;\n                }\n",
    );
    // `prettyplease` keeps a struct literal on one line only when it is at most 34 wide. Two
    // entries are wider than that (the shortest, `a: additional` and `a: field_0.flatten()`, make
    // 35 with their `, `), so only a struct with one entry is measured.
    if s.fields.len() + usize::from(s.additional.is_some()) == 1 {
        let mut flat: Vec<String> = s
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let n = &f.name;
                match f.presence {
                    Presence::Required => {
                        format!("{n}: rt::de::required(field_{i}, {})?", wires[i])
                    }
                    Presence::RequiredNullable | Presence::Optional => {
                        format!("{n}: field_{i}.flatten()")
                    }
                    Presence::OptionalNullable => {
                        format!("{n}: field_{i}.unwrap_or(rt::Nullable::Absent)")
                    }
                    Presence::Defaulted => format!(
                        "{n}: field_{i}.unwrap_or_else({})",
                        super::models::default_fn_name(&t.name, &f.name)
                    ),
                }
            })
            .collect();
        if s.additional.is_some() {
            flat.push(cat(&[&s.additional_name, ": additional"]));
        }
        let flat = flat.join(", ");
        // `{name} { ` + the fields + ` `, up to the closing brace.
        let width = name.len() + 3 + flat.len() + 1;
        if width <= 34 {
            put(&mut out, 16, &["Ok(", &name, " { ", &flat, " })"])?;
            out.push_str(CLOSE_VISITOR);
            return Some(out);
        }
    }
    put(&mut out, 16, &["Ok(", &name, " {"])?;
    // `{n}: field_{i}`, written again for each field; the slot is its end.
    let mut receiver = String::with_capacity(64);
    for (i, f) in s.fields.iter().enumerate() {
        let n = &f.name;
        receiver.clear();
        let _ = write!(receiver, "{n}: field_{i}");
        let slot = &receiver[n.len() + 2..];
        let receiver = receiver.as_str();
        let end = field_end(i + 1 == s.fields.len() && s.additional.is_none());
        match f.presence {
            Presence::Required => {
                // `{n}: rt::de::required(` `{slot}, {wire}` `)?` + end
                let flat = 20 + n.len() + 19 + slot.len() + 2 + wires[i].len() + 2 + end.width();
                match layout(flat) {
                    Layout::Flat => line(
                        &mut out,
                        20,
                        &[n, ": rt::de::required(", slot, ", ", &wires[i], ")?,"],
                    ),
                    Layout::Broken => call_broken(
                        &mut out,
                        20,
                        &cat(&[n, ": rt::de::required"]),
                        &[slot, &wires[i]],
                        &End {
                            text: "?,",
                            counted: true,
                        },
                    ),
                }
            }
            Presence::RequiredNullable | Presence::Optional => {
                method_call(&mut out, 20, receiver, "flatten", &[], &end)
            }
            Presence::OptionalNullable => method_call(
                &mut out,
                20,
                receiver,
                "unwrap_or",
                &["rt::Nullable::Absent"],
                &end,
            ),
            Presence::Defaulted => {
                let default = super::models::default_fn_name(&t.name, &f.name).to_string();
                method_call(&mut out, 20, receiver, "unwrap_or_else", &[&default], &end)
            }
        }?;
    }
    if s.additional.is_some() {
        line(&mut out, 20, &[&s.additional_name, ": additional,"])?;
    }
    out.push_str("                })\n");
    out.push_str(CLOSE_VISITOR);
    Some(out)
}

/// A struct's `impl {name} { pub fn new(…) -> Self { … } }`: the required fields as arguments,
/// the others unset or defaulted; `None` when a line is too long to be sure of its layout.
pub(super) fn constructor(api: &Api, t: &TypeDef, s: &StructDef) -> Option<String> {
    let name = t.name.clone();
    let mut out = String::with_capacity(200 + 60 * s.fields.len());
    put(&mut out, 0, &["impl ", &name, " {"])?;
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
        .collect();
    let doc = super::models::constructor_doc(t, required.is_empty());
    if doc.contains(['\n', '\r']) {
        return None;
    }
    rustdoc_lines(&mut out, 4, &doc);
    if required.len() > 7 {
        out.push_str(
            "    #[allow(clippy::too_many_arguments, reason = \"one argument per required field\")]\n",
        );
    }
    let params: Vec<String> = required
        .iter()
        .map(|f| cat(&[&f.name, ": ", &field_type(api, f)]))
        .collect();
    super::ops_text::signature(&mut out, 4, "pub fn new", &params, "Self")?;
    let mut inits: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            let n = &f.name;
            match f.presence {
                Presence::Required | Presence::RequiredNullable => n.clone(),
                Presence::Optional => cat(&[n, ": None"]),
                Presence::OptionalNullable => cat(&[n, ": rt::Nullable::Absent"]),
                Presence::Defaulted => format!(
                    "{n}: {}()",
                    super::models::default_fn_name(&t.name, &f.name)
                ),
            }
        })
        .collect();
    if s.additional.is_some() {
        inits.push(cat(&[
            &s.additional_name,
            ": std::collections::BTreeMap::new()",
        ]));
    }
    if inits.is_empty() {
        return None;
    }
    // `prettyplease` keeps a struct literal on one line only when it is at most 34 wide.
    let flat = inits.join(", ");
    // `Self { ` + the fields + ` `, up to the closing brace.
    let width = 4 + 3 + flat.len() + 1;
    if width <= 34 {
        put(&mut out, 8, &["Self { ", &flat, " }"])?;
    } else {
        out.push_str("        Self {\n");
        // A field's initializer (a name, `None`, a path, a call without arguments) cannot
        // break: a long one runs past the margin.
        for init in &inits {
            put(&mut out, 12, &[init, ","])?;
        }
        out.push_str("        }\n");
    }
    out.push_str("    }\n}\n");
    Some(out)
}

/// A defaulted field's default-value function: `fn default_…() -> Type {`, the value, `}`.
/// `None` when the type has generic arguments or the value does not fit its line.
pub(super) fn default_fn(
    api: &Api,
    t: &TypeDef,
    f: &Field,
    d: &crate::ir::DefaultValue,
) -> Option<String> {
    use crate::ir::DefaultValue;
    let ty = field_type(api, f);
    if ty.contains(['<', '(', '[', '&']) {
        return None;
    }
    let value = match d {
        // Literals as `quote` writes them (`1i64`, `0.5f64`), through the same tokens.
        DefaultValue::Int(_) | DefaultValue::Float(_) => {
            let text = super::models::default_expr(api, d, f).to_string();
            // One literal token (a negative one included); anything else is left to tokens.
            if text.contains(' ') {
                return None;
            }
            text
        }
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Str(s) => cat(&["String::from(", &lit(s), ")"]),
        DefaultValue::Variant(id, variant) => cat(&[&api.ty(*id).name, "::", variant]),
    };
    let value = if f.boxed {
        cat(&["Box::new(", &value, ")"])
    } else {
        value
    };
    if layout(4 + value.len()) == Layout::Broken {
        return None;
    }
    let name = super::models::default_fn_name(&t.name, &f.name).to_string();
    let mut out = String::with_capacity(40 + name.len() + ty.len() + value.len());
    // Without parameters the signature cannot break: a long one runs past the margin.
    put(&mut out, 0, &["fn ", &name, "() -> ", &ty, " {"])?;
    put(&mut out, 4, &[&value])?;
    out.push_str("}\n");
    Some(out)
}

/// `impl Default for {name}` through `new()`.
pub(super) fn default_impl(name: &str) -> String {
    let mut out = String::with_capacity(100 + name.len());
    impl_header(&mut out, "impl Default", name);
    out.push_str("    fn default() -> Self {\n        Self::new()\n    }\n}\n");
    out
}

/// A string enum's items as [`super::models::string_enum`] emits them, the type's docs before
/// the first; `None` when a line is too long to be sure of its layout.
pub(super) fn string_enum(t: &TypeDef, variants: &[EnumVariant]) -> Option<Vec<String>> {
    let name = t.name.clone();
    let mut items = Vec::with_capacity(8);
    let mut out = String::with_capacity(200 + 40 * variants.len());
    type_header(&mut out, t);
    out.push_str(
        "#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\n",
    );
    put(&mut out, 0, &["pub enum ", &name, " {"])?;
    for v in variants {
        // `#[doc = " `{wire}`"]`, printed as a `///` line when it is one line.
        if v.wire.contains(['\n', '\r']) {
            return None;
        }
        let _ = writeln!(out, "    /// `{}`", v.wire.replace('`', "'"));
        line(&mut out, 4, &[&v.name, ","])?;
    }
    out.push_str(
        "    /// A value this version of the client does not know; it round-trips unchanged.\n    Unknown(String),\n}\n",
    );
    items.push(std::mem::take(&mut out));

    put(&mut out, 0, &["impl ", &name, " {"])?;
    out.push_str(
        "    /// The value as sent on the wire.\n    pub fn as_str(&self) -> &str {\n        match self {\n",
    );
    for v in variants {
        arm(&mut out, &cat(&["Self::", &v.name]), &lit(&v.wire))?;
    }
    out.push_str("            Self::Unknown(other) => other,\n        }\n    }\n}\n");
    items.push(std::mem::take(&mut out));

    impl_header(&mut out, "impl From<&str>", &name);
    out.push_str("    fn from(value: &str) -> Self {\n        match value {\n");
    for v in variants {
        arm(&mut out, &lit(&v.wire), &cat(&["Self::", &v.name]))?;
    }
    out.push_str("            other => Self::Unknown(other.to_string()),\n        }\n    }\n}\n");
    items.push(std::mem::take(&mut out));

    // The conversions and serde impls are the same for every string enum but its name.
    const IMPLS: [(&str, &str); 5] = [
        (
            "impl From<String>",
            "    fn from(value: String) -> Self {\n        Self::from(value.as_str())\n    }\n}\n",
        ),
        (
            "impl std::str::FromStr",
            "    type Err = std::convert::Infallible;\n    fn from_str(value: &str) -> Result<Self, Self::Err> {\n        Ok(Self::from(value))\n    }\n}\n",
        ),
        (
            "impl std::fmt::Display",
            "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n        f.write_str(self.as_str())\n    }\n}\n",
        ),
        (
            "impl serde::Serialize",
            "    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n        serializer.serialize_str(self.as_str())\n    }\n}\n",
        ),
        (
            "impl<'de> serde::Deserialize<'de>",
            "    fn deserialize<D: serde::Deserializer<'de>>(\n        deserializer: D,\n    ) -> Result<Self, D::Error> {\n        let value = <String as serde::Deserialize>::deserialize(deserializer)?;\n        Ok(Self::from(value.as_str()))\n    }\n}\n",
        ),
    ];
    for (head, body) in IMPLS {
        impl_header(&mut out, head, &name);
        out.push_str(body);
        items.push(std::mem::take(&mut out));
    }
    Some(items)
}

/// A match arm `{pattern} => {value},` at 12 (its comma is not counted); `None` when it does not
/// fit.
/// One variant (after its docs): `Name,` or `Name(Type),`, or `Name(`, the type on its own line,
/// and `),` when that does not fit.
pub(super) fn variant(out: &mut String, name: &str, t: Option<&str>) -> Option<()> {
    let Some(t) = t else {
        return put(out, 4, &[name, ","]);
    };
    if layout(4 + name.len() + 1 + t.len() + 2) == Layout::Flat {
        return put(out, 4, &[name, "(", t, "),"]);
    }
    put(out, 4, &[name, "("])?;
    generic_arg(out, 8, t, true)?;
    put(out, 4, &["),"])
}

/// An untagged union's definition with its docs (a union with a discriminator is written from
/// tokens); `None` when a line is too long to be sure of its layout.
pub(super) fn union(api: &Api, t: &TypeDef, u: &UnionDef) -> Option<String> {
    if u.discriminator.is_some() {
        return None;
    }
    let mut out = String::with_capacity(300 + 80 * u.variants.len());
    type_header(&mut out, t);
    out.push_str("#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]\n");
    out.push_str(UNION_ATTRIBUTES);
    union_variants(&mut out, api, t, u)?;
    out.push_str("}\n");
    Some(out)
}

/// A union with a discriminator, as two items: its definition with its docs (an `Unknown`
/// variant keeps a tag it does not know) and its `Deserialize`, which picks the variant by the
/// tag. `None` when a line is too long to be sure of its layout.
pub(super) fn tagged_union(
    api: &Api,
    t: &TypeDef,
    u: &UnionDef,
    d: &Discriminator,
) -> Option<[String; 2]> {
    let mut definition = String::with_capacity(400 + 80 * u.variants.len());
    type_header(&mut definition, t);
    definition.push_str("#[derive(Debug, Clone, PartialEq, serde::Serialize)]\n");
    definition.push_str(UNION_ATTRIBUTES);
    union_variants(&mut definition, api, t, u)?;
    definition.push_str(
        "    /// A tag value this version of the client does not know, kept as JSON.\n    Unknown(serde_json::Value),\n}\n",
    );

    let mut out = String::with_capacity(600 + 200 * d.mapping.len());
    impl_header(&mut out, "impl<'de> serde::Deserialize<'de>", &t.name);
    out.push_str(
        "    fn deserialize<D: serde::Deserializer<'de>>(\n        deserializer: D,\n    ) -> Result<Self, D::Error> {\n        let value = <serde_json::Value as serde::Deserialize>::deserialize(\n            deserializer,\n        )?;\n        let tag = value\n",
    );
    // The chain never fits on one line (93 bytes at the least), so each call is on its own.
    line(&mut out, 12, &[".get(", &lit(&d.property), ")"])?;
    out.push_str(
        "            .and_then(serde_json::Value::as_str)\n            .map(ToString::to_string);\n        match tag.as_deref() {\n",
    );
    for (tag, index) in &d.mapping {
        let v = u.variants.get(*index)?;
        // An arm never fits on one line (101 bytes at the least): its value goes in a block,
        // where the chain does not fit either.
        line(&mut out, 12, &["Some(", &lit(tag), ") => {"])?;
        out.push_str("                serde_json::from_value(value)\n");
        let vn = &v.name;
        if v.boxed {
            line(&mut out, 20, &[".map(|x| Self::", vn, "(Box::new(x)))"])?;
        } else {
            line(&mut out, 20, &[".map(Self::", vn, ")"])?;
        }
        out.push_str("                    .map_err(serde::de::Error::custom)\n            }\n");
    }
    out.push_str("            _ => Ok(Self::Unknown(value)),\n        }\n    }\n}\n");
    Some([definition, out])
}

/// The attributes of every union after its derive, as `prettyplease` prints them.
const UNION_ATTRIBUTES: &str = "#[serde(untagged)]\n#[allow(\n    clippy::large_enum_variant,\n    reason = \"variants mirror the schema's alternatives\"\n)]\n";

/// `pub enum {name} {` and a union's variants with their docs, without the closing brace.
fn union_variants(out: &mut String, api: &Api, t: &TypeDef, u: &UnionDef) -> Option<()> {
    let name = &t.name;
    put(out, 0, &["pub enum ", name, " {"])?;
    for v in &u.variants {
        let inner = ty_text(api, &v.ty, Place::Models);
        let ty = if v.boxed {
            cat(&["Box<", &inner, ">"])
        } else {
            inner
        };
        let doc = match &v.ty {
            TypeRef::Named(id) => cat(&["A [`", &api.ty(*id).name, "`]."]),
            _ => cat(&["The `", &v.name, "` alternative."]),
        };
        rustdoc_lines(out, 4, &doc);
        variant(out, &v.name, Some(&ty))?;
    }
    Some(())
}

/// A `#[cfg]` attribute for `features`, as [`super::cfg_tokens`] makes it and `prettyplease`
/// prints it in front of an item: flat when it fits, else the parentheses' contents on their own
/// lines, `any(..)`'s broken one feature per line when they do not fit either.
pub(super) fn cfg_attribute(features: &[String]) -> String {
    let lits: Vec<String> = features.iter().map(|f| lit(f)).collect();
    // `feature = "…"` each, `, ` between them, `any(…)` around several.
    let items_len: usize = lits.iter().map(|l| 10 + l.len()).sum::<usize>() + 2 * (lits.len() - 1);
    let inner_len = if lits.len() == 1 {
        items_len
    } else {
        items_len + 5
    };
    let mut out = String::with_capacity(20 + inner_len + 10 * lits.len());
    let flat = layout(6 + inner_len + 2) == Layout::Flat;
    let any_flat = lits.len() == 1 || layout(4 + inner_len) == Layout::Flat;
    out.push_str(if flat { "#[cfg(" } else { "#[cfg(\n    " });
    if lits.len() > 1 {
        out.push_str(if any_flat { "any(" } else { "any(\n" });
    }
    for (i, l) in lits.iter().enumerate() {
        if !any_flat {
            push_indent(&mut out, 8);
        }
        out.push_str("feature = ");
        out.push_str(l);
        if i + 1 < lits.len() {
            out.push_str(if any_flat { ", " } else { ",\n" });
        }
    }
    if lits.len() > 1 {
        out.push_str(if any_flat { ")" } else { "\n    )" });
    }
    out.push_str(if flat { ")]\n" } else { "\n)]\n" });
    out
}

/// A `match` arm at the depth of a method's body. An arm too long for its line gets its value in
/// a block (`pattern => {`, the value, `}`), however long the pattern or the value.
fn arm(out: &mut String, pattern: &str, value: &str) -> Option<()> {
    if layout(12 + pattern.len() + 4 + value.len()) == Layout::Broken {
        put(out, 12, &[pattern, " => {"])?;
        put(out, 16, &[value])?;
        return put(out, 12, &["}"]);
    }
    put(out, 12, &[pattern, " => ", value, ","])
}

#[cfg(test)]
mod tests {
    use super::super::models::{struct_deserialize, struct_serialize};
    use crate::ir::{Field, Presence, Prim, StructDef, TypeDef, TypeKind, TypeRef};

    const PRESENCES: [Presence; 5] = [
        Presence::Required,
        Presence::RequiredNullable,
        Presence::Optional,
        Presence::OptionalNullable,
        Presence::Defaulted,
    ];

    fn field(name: &str, wire: &str, presence: Presence) -> Field {
        Field {
            name: name.to_string(),
            wire: wire.to_string(),
            ty: TypeRef::Prim(Prim::String),
            presence,
            boxed: false,
            default: None,
            doc: None,
            deprecated: false,
        }
    }

    fn type_def(name: &str, s: &StructDef) -> TypeDef {
        TypeDef {
            name: name.to_string(),
            pointer: format!("#/components/schemas/{name}"),
            doc: None,
            deprecated: false,
            nullable: false,
            kind: TypeKind::Struct(s.clone()),
            groups: Default::default(),
        }
    }

    /// The first lines where `written` departs from `formatted`.
    fn difference(formatted: &str, written: &str) -> String {
        let at = formatted
            .lines()
            .zip(written.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let window = |s: &str| {
            s.lines()
                .skip(at.saturating_sub(1))
                .take(5)
                .collect::<Vec<_>>()
                .join("\n")
        };
        format!(
            "formatted:\n{}\nwritten:\n{}",
            window(formatted),
            window(written)
        )
    }

    /// Checks the text against the formatted tokens; returns whether text was written at all.
    fn agrees(t: &TypeDef, s: &StructDef) -> (bool, bool) {
        let mut written = (false, false);
        if let Some(text) = super::serialize(t, s) {
            let formatted = crate::krate::format("models.rs", struct_serialize(t, s)).unwrap();
            assert!(
                formatted == text,
                "Serialize for {}:\n{}",
                t.name,
                difference(&formatted, &text)
            );
            written.0 = true;
        }
        if let Some(text) = super::deserialize(t, s) {
            let formatted = crate::krate::format("models.rs", struct_deserialize(t, s)).unwrap();
            assert!(
                formatted == text,
                "Deserialize for {}:\n{}",
                t.name,
                difference(&formatted, &text)
            );
            written.1 = true;
        }
        written
    }

    /// Every presence, with field names from 1 to 90 bytes long: the lines cross the margin at
    /// every column, where `prettyplease` switches layouts. Text that is written must be what
    /// `prettyplease` prints, and most impls must be written as text.
    #[test]
    fn text_is_what_prettyplease_prints_at_every_line_length() {
        let mut not_written = Vec::new();
        for len in 1..=90 {
            let name = format!("f{}", "x".repeat(len - 1));
            for presence in PRESENCES {
                for additional in [None, Some(TypeRef::Prim(Prim::Bool))] {
                    for alone in [false, true] {
                        let mut fields = vec![field(&name, &name, presence)];
                        if !alone {
                            fields.insert(0, field("id", "id", Presence::Required));
                        }
                        let s = StructDef {
                            fields,
                            additional: additional.clone(),
                            additional_name: format!("a{}", "y".repeat(len / 2)),
                            all_optional: false,
                        };
                        let long = "Q".repeat(len + 50);
                        for type_name in ["T", "SomeLongerTypeName", &"Q".repeat(len), &long] {
                            let (ser, de) = agrees(&type_def(type_name, &s), &s);
                            // Field names up to 24 bytes (most real ones) are always written as
                            // text, whatever the type's name.
                            if len <= 24 && !(ser && de) {
                                not_written.push((type_name.to_string(), name.clone(), presence));
                            }
                        }
                    }
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    /// Struct definitions whose field lines cross the margin at every column, with types that
    /// break at their generic arguments, under a short and a long type name: the text must be
    /// what `prettyplease` prints.
    #[test]
    fn definitions_are_what_prettyplease_prints_at_every_line_length() {
        let mut not_written = Vec::new();
        for len in 1..=90 {
            let name = format!("f{}", "x".repeat(len - 1));
            let api = api_with_named(&"N".repeat(len.min(70)));
            let named = || TypeRef::Named(crate::ir::TypeId(0));
            let types = [
                TypeRef::Prim(Prim::String),
                named(),
                TypeRef::Vec(Box::new(named())),
                TypeRef::Map(Box::new(named())),
                TypeRef::Map(Box::new(TypeRef::Vec(Box::new(named())))),
            ];
            for ty in types {
                for presence in PRESENCES {
                    let mut f = field(&name, &name, presence);
                    f.ty = ty.clone();
                    f.doc = Some(format!("Doc of {name}.  \n\nSecond paragraph   "));
                    let s = StructDef {
                        fields: vec![field("id", "id", Presence::Required), f],
                        additional: (len % 3 == 0).then(named),
                        additional_name: "additional_properties".into(),
                        all_optional: false,
                    };
                    // A type name too long for `pub struct {name} {` runs past the margin.
                    for type_name in ["Holder".to_string(), "H".repeat(len + 50)] {
                        let t = type_def(&type_name, &s);
                        let written = super::struct_definition(&api, &t, &s);
                        // Names up to 24 bytes (most real ones) are always written as text.
                        if len <= 24 && written.is_none() {
                            not_written.push((type_name.clone(), name.clone(), presence));
                        }
                        if let Some(text) = written {
                            let header = super::super::models::type_header(&t);
                            let tokens =
                                super::super::models::definition_tokens(&api, &t, &s, &header);
                            let formatted = crate::krate::format("models.rs", tokens).unwrap();
                            assert!(
                                formatted == text,
                                "{type_name}, {name}:\n{}",
                                difference(&formatted, &text)
                            );
                        }
                    }
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    fn api_with_named(name: &str) -> crate::ir::Api {
        let s = StructDef {
            fields: vec![field("id", "id", Presence::Required)],
            additional: None,
            additional_name: "additional_properties".into(),
            all_optional: false,
        };
        crate::ir::Api::with_types(vec![type_def(name, &s)])
    }

    /// Aliases of every target shape with names from 1 to 90 bytes long, documented, plain and
    /// deprecated: the text must be what `prettyplease` prints, and is written for names up to 24
    /// bytes, and at every length for an alias of a named type.
    #[test]
    fn aliases_are_what_prettyplease_prints_at_every_line_length() {
        let mut not_written = Vec::new();
        for len in 1..=90 {
            let api = api_with_named(&"N".repeat(len.min(70)));
            let targets = [
                TypeRef::Prim(Prim::String),
                TypeRef::Named(crate::ir::TypeId(0)),
                TypeRef::Vec(Box::new(TypeRef::Named(crate::ir::TypeId(0)))),
                TypeRef::Map(Box::new(TypeRef::Prim(Prim::Bool))),
            ];
            for (k, target) in targets.iter().enumerate() {
                let mut t = type_def(&"A".repeat(len), &StructDef::default());
                t.kind = TypeKind::Alias(target.clone());
                t.doc = (k % 2 == 0).then(|| format!("An alias {}.", "d".repeat(len)));
                t.deprecated = k == 3;
                let header = super::super::models::type_header(&t);
                let name = super::super::ident(&t.name);
                let ty = super::super::ty(&api, target, super::Place::Models);
                let formatted =
                    crate::krate::format("models.rs", quote::quote!(#header pub type #name = #ty;))
                        .unwrap();
                match super::alias(&api, &t, target) {
                    Some(text) => assert!(
                        formatted == text,
                        "alias {k}, {len} long:\n{}",
                        difference(&formatted, &text)
                    ),
                    None if len <= 24 || k == 1 => not_written.push((k, len)),
                    None => {}
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    /// `#[cfg]` attributes of one to twelve features whose names cross the margin at every
    /// column: the text must be what `prettyplease` prints in front of an item.
    #[test]
    fn cfg_attributes_are_what_prettyplease_prints_at_every_line_length() {
        for count in 1..=12 {
            for len in 1..=100usize {
                let features: Vec<String> = (0..count)
                    .map(|i| format!("f{i}{}", "x".repeat(len.saturating_sub(2))))
                    .collect();
                let cfg = super::super::cfg_tokens(&features);
                let formatted =
                    crate::krate::format("models.rs", quote::quote!(#cfg struct Probe;)).unwrap();
                let text = format!("{}struct Probe;\n", super::cfg_attribute(&features));
                assert!(
                    formatted == text,
                    "{count} features, {len} long:\n{}",
                    difference(&formatted, &text)
                );
            }
        }
    }

    /// Every printable ASCII character, alone and in words, with escapes and non-ASCII text:
    /// a literal is what `quote` writes.
    #[test]
    fn literals_are_what_quote_writes() {
        let mut cases: Vec<String> = (0u8..=127).map(|b| char::from(b).to_string()).collect();
        cases.extend(
            [
                "",
                "plain words",
                "it's",
                "tab\there",
                "a\"quote",
                "back\\slash",
                "nul\0x",
                "nul\u{0}7",
                "é and 😀",
                "\u{7f}",
                "line\nbreak",
            ]
            .map(String::from),
        );
        for case in cases {
            assert_eq!(
                super::lit(&case),
                proc_macro2::Literal::string(&case).to_string(),
                "{case:?}"
            );
        }
    }

    /// A union type named `type_name` (documented and deprecated depending on `len`), and what
    /// `prettyplease` prints for its tokens.
    fn union_formatted(
        api: &crate::ir::Api,
        type_name: &str,
        u: &crate::ir::UnionDef,
        len: usize,
    ) -> (TypeDef, String) {
        let mut t = type_def(type_name, &StructDef::default());
        t.kind = TypeKind::Union(u.clone());
        t.doc = (len % 2 == 0).then(|| format!("A union {}.", "d".repeat(len)));
        t.deprecated = len % 5 == 0;
        let header = super::super::models::type_header(&t);
        let body = super::super::models::union(api, &t.name, u);
        let formatted = crate::krate::format("models.rs", quote::quote!(#header #body)).unwrap();
        (t, formatted)
    }

    /// Untagged unions whose variant names, variant types and type names cross the margin at
    /// every column, boxed and not: the text must be what `prettyplease` prints, and is written
    /// for names up to 60 bytes.
    #[test]
    fn unions_are_what_prettyplease_prints_at_every_line_length() {
        use crate::ir::{UnionDef, UnionVariant};
        let mut not_written = Vec::new();
        for len in 1..=90 {
            let api = api_with_named(&"N".repeat(len.min(70)));
            let variants = vec![
                UnionVariant {
                    name: format!("V{}", "x".repeat(len - 1)),
                    ty: TypeRef::Named(crate::ir::TypeId(0)),
                    boxed: len % 2 == 0,
                },
                UnionVariant {
                    name: "Items".into(),
                    ty: TypeRef::Vec(Box::new(TypeRef::Map(Box::new(TypeRef::Named(
                        crate::ir::TypeId(0),
                    ))))),
                    boxed: len % 3 == 0,
                },
                UnionVariant {
                    name: "Value".into(),
                    ty: TypeRef::Prim(Prim::String),
                    boxed: false,
                },
            ];
            let u = UnionDef {
                variants,
                discriminator: None,
            };
            for type_name in ["U".to_string(), "E".repeat(len)] {
                let (t, formatted) = union_formatted(&api, &type_name, &u, len);
                match super::union(&api, &t, &u) {
                    Some(text) => assert!(
                        formatted == text,
                        "{type_name}, {len} long:\n{}",
                        difference(&formatted, &text)
                    ),
                    None if len <= 60 => not_written.push((type_name, len)),
                    None => {}
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    /// Unions with a discriminator whose type names, variant names, tags and tag property cross
    /// the margin at every column (each length varies on its own): both items' text must be what
    /// `prettyplease` prints, and they are written as text for tags and properties up to 60
    /// bytes and variant names up to 35.
    #[test]
    fn tagged_unions_are_what_prettyplease_prints_at_every_line_length() {
        use crate::ir::{Discriminator, UnionDef, UnionVariant};
        let mut not_written = Vec::new();
        for len in 1..=90 {
            let (variant_len, property_len) = (91 - len, len * 37 % 90 + 1);
            let api = api_with_named(&"N".repeat(len.min(70)));
            let variants = vec![
                UnionVariant {
                    name: format!("V{}", "x".repeat(variant_len - 1)),
                    ty: TypeRef::Named(crate::ir::TypeId(0)),
                    boxed: len % 2 == 0,
                },
                UnionVariant {
                    name: "Other".into(),
                    ty: TypeRef::Named(crate::ir::TypeId(0)),
                    boxed: len % 3 == 0,
                },
            ];
            let d = Discriminator {
                property: format!("p{}", "q".repeat(property_len - 1)),
                mapping: vec![
                    (format!("t{}", "u".repeat(len - 1)), 0),
                    ("with \"quotes\"".into(), 1),
                    ("again".into(), 0),
                ],
            };
            let u = UnionDef {
                variants,
                discriminator: Some(d.clone()),
            };
            for type_name in ["U".to_string(), "E".repeat(len)] {
                let (t, formatted) = union_formatted(&api, &type_name, &u, len);
                match super::tagged_union(&api, &t, &u, &d) {
                    Some([definition, deserialize]) => {
                        let text = format!("{definition}{deserialize}");
                        assert!(
                            formatted == text,
                            "{type_name}, {len} long:\n{}",
                            difference(&formatted, &text)
                        );
                    }
                    None if len <= 60 && variant_len <= 35 && property_len <= 60 => {
                        not_written.push((type_name, len));
                    }
                    None => {}
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    /// String enums whose variant names, wire values and type names cross the margin at every
    /// column: each item's text must be what `prettyplease` prints, and it is written as text
    /// for variant names up to 80 bytes and type names up to 60 (long arms included).
    #[test]
    fn string_enums_are_what_prettyplease_prints_at_every_line_length() {
        use crate::ir::EnumVariant;
        let mut not_written = Vec::new();
        for len in 1..=90 {
            let variants = vec![
                EnumVariant {
                    name: format!("V{}", "x".repeat(len - 1)),
                    wire: format!("w{}", "y".repeat(len - 1)),
                },
                EnumVariant {
                    name: "Short".into(),
                    wire: "needs \"escapes\" and `ticks`".into(),
                },
            ];
            for type_name in ["T".to_string(), "E".repeat(len), "Q".repeat(len + 40)] {
                let mut t = type_def(&type_name, &StructDef::default());
                t.kind = TypeKind::StringEnum(variants.clone());
                t.doc = (len % 2 == 0).then(|| "An enum.  ".to_string());
                let Some(texts) = super::string_enum(&t, &variants) else {
                    if len <= 80 && type_name.len() <= 60 {
                        not_written.push((type_name, len));
                    }
                    continue;
                };
                let items = super::super::models::string_enum(&t.name, &variants);
                let header = super::super::models::type_header(&t);
                for (i, (text, tokens)) in texts.iter().zip(items).enumerate() {
                    let tokens = if i == 0 {
                        quote::quote!(#header #tokens)
                    } else {
                        tokens
                    };
                    let formatted = crate::krate::format("models.rs", tokens).unwrap();
                    assert!(
                        &formatted == text,
                        "{type_name} item {i}:\n{}",
                        difference(&formatted, text)
                    );
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    /// Every part a struct is written in (definition, serde impls, constructor, `Default`) with
    /// field and type names crossing the margin at every column, few and many required fields:
    /// each part written as text must be what `prettyplease` prints its tokens as, and the
    /// constructor is written as text for names up to 24 bytes (with defaulted fields, whose
    /// initializers run past the margin, up to 60).
    #[test]
    fn struct_parts_are_what_prettyplease_prints_at_every_line_length() {
        let mut not_written = Vec::new();
        for len in 1..=90 {
            let api = api_with_named(&"N".repeat(len.min(70)));
            let name = format!("f{}", "x".repeat(len - 1));
            let shapes: [&[Presence]; 5] = [
                &[Presence::Required],
                &[Presence::Optional],
                &[
                    Presence::Required,
                    Presence::OptionalNullable,
                    Presence::Optional,
                ],
                &[Presence::Required; 9],
                &[Presence::Defaulted, Presence::Required, Presence::Defaulted],
            ];
            for (k, presences) in shapes.iter().enumerate() {
                let fields: Vec<Field> = presences
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let mut f = field(&format!("{name}{i}"), "w", *p);
                        if i == 0 && k % 2 == 1 {
                            f.ty = TypeRef::Vec(Box::new(TypeRef::Named(crate::ir::TypeId(0))));
                        }
                        if *p == Presence::Defaulted {
                            use crate::ir::DefaultValue;
                            let (ty, value) = match (len + i) % 6 {
                                0 => (Prim::Bool, DefaultValue::Bool(true)),
                                1 => (Prim::I32, DefaultValue::Int(-7)),
                                2 => (Prim::I64, DefaultValue::Int(1 << 40)),
                                3 => (Prim::F64, DefaultValue::Float(0.5)),
                                4 => (Prim::F32, DefaultValue::Float(-3.0)),
                                _ => (
                                    Prim::String,
                                    DefaultValue::Str(format!("a \"b\" {}", "c".repeat(len))),
                                ),
                            };
                            f.ty = TypeRef::Prim(ty);
                            f.default = Some(value);
                            if len % 7 == 0 {
                                f.ty = TypeRef::Named(crate::ir::TypeId(0));
                                f.default = Some(DefaultValue::Variant(
                                    crate::ir::TypeId(0),
                                    format!("V{}", "v".repeat(len)),
                                ));
                            }
                        }
                        f
                    })
                    .collect();
                for additional in [None, Some(TypeRef::Prim(Prim::Bool))] {
                    let s = StructDef {
                        all_optional: presences.iter().all(|p| *p == Presence::Optional),
                        fields: fields.clone(),
                        additional,
                        additional_name: "additional_properties".into(),
                    };
                    for type_name in ["T".to_string(), "S".repeat(len)] {
                        let t = type_def(&type_name, &s);
                        // With one required argument the signature fits whatever the lengths; a
                        // defaulted field's long initializer runs past the margin.
                        let short = len <= 24 && type_name.len() <= 24;
                        if (short || (k == 4 && len <= 60))
                            && super::constructor(&api, &t, &s).is_none()
                        {
                            not_written.push((type_name.clone(), len, k));
                        }
                        // The `Deserialize` impl is written as text for names up to 34 bytes, and
                        // at every length when every field is optional (a field's initializer
                        // too long for its line breaks before `.flatten()`, its `name: slot`
                        // running past the margin).
                        if (len <= 34 || k == 1)
                            && type_name.len() <= 24
                            && super::deserialize(&t, &s).is_none()
                        {
                            not_written.push((format!("{type_name} (Deserialize)"), len, k));
                        }
                        for part in super::super::models::model_item(&api, &t, false).parts {
                            if let super::super::Part::Text { text, tokens } = part {
                                let formatted = crate::krate::format("models.rs", tokens).unwrap();
                                assert!(
                                    formatted == text,
                                    "{type_name}, fields {name}…:\n{}",
                                    difference(&formatted, &text)
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(
            not_written.is_empty(),
            "not written as text: {not_written:?}"
        );
    }

    /// Wire names that need escapes, raw identifiers and many fields (a broken `FIELDS` list).
    #[test]
    fn escapes_raw_identifiers_and_long_field_lists_match() {
        let mut fields = vec![
            field("r#type", "type", Presence::Required),
            field("quote", "say \"hi\"\\now", Presence::Optional),
            field("unicode", "größe ✓", Presence::OptionalNullable),
            field("tab", "a\tb", Presence::Defaulted),
        ];
        for i in 0..40 {
            fields.push(field(
                &format!("f{i}"),
                &format!("field-{i}"),
                Presence::Optional,
            ));
        }
        for n in [1, 2, 3, 4, 5, 8, 44] {
            let s = StructDef {
                fields: fields[..n].to_vec(),
                additional: None,
                additional_name: "additional_properties".into(),
                all_optional: false,
            };
            let (ser, de) = agrees(&type_def("Escapes", &s), &s);
            assert!(ser && de, "{n} fields: not written as text");
        }
    }
}
