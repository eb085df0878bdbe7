//! "Did you mean" for names a user got slightly wrong.

/// The candidate closest to `input`, if one is close enough to be a likely typo.
///
/// Names are compared without case and without underscores, so `top_k`, `topK` and
/// `TOPK` are the same name.
pub(crate) fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let fold = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = fold(input);
    let limit = (wanted.len() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted, &fold(c)), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A field name in the REST API's camelCase, from the snake_case the Python SDK
/// writes: `top_k` → `topK`. Each `_` is dropped and the character after it
/// upper-cased, as protobuf's JSON names are formed; a leading `_` is dropped alone.
/// Names without underscores (camelCase ones too) are returned unchanged, unallocated.
///
/// ```
/// use gemini_token_core::formats::snake_to_camel;
///
/// assert_eq!(snake_to_camel("max_output_tokens"), "maxOutputTokens");
/// assert_eq!(snake_to_camel("topK"), "topK");
/// ```
pub fn snake_to_camel(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains('_') {
        return name.into();
    }
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A field name in the snake_case the Python SDK writes, from the REST API's
/// camelCase: `topK` → `top_k`. Each ASCII capital becomes `_` and its lower case;
/// everything else is kept.
///
/// ```
/// use gemini_token_core::formats::camel_to_snake;
///
/// assert_eq!(camel_to_snake("maxOutputTokens"), "max_output_tokens");
/// assert_eq!(camel_to_snake("seed"), "seed");
/// ```
pub fn camel_to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A name written the way the user writes names: snake_case if `style` has an
/// underscore, camelCase otherwise.
pub(crate) fn in_style_of(name: &str, style: &str) -> String {
    if style.contains('_') {
        camel_to_snake(name)
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["temperature", "topK", "topP", "seed"];
        assert_eq!(closest("temprature", names), Some("temperature"));
        assert_eq!(closest("top_k", names), Some("topK"));
        assert_eq!(closest("bogus_live_field", names), None);
        assert_eq!(closest("", names), None);
    }

    #[test]
    fn converts_case() {
        assert_eq!(snake_to_camel("generation_config"), "generationConfig");
        assert_eq!(snake_to_camel("topK"), "topK");
        assert_eq!(camel_to_snake("maxOutputTokens"), "max_output_tokens");
        assert_eq!(in_style_of("topK", "top_q"), "top_k");
        assert_eq!(in_style_of("topK", "topQ"), "topK");
    }
}
