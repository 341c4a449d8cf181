//! Rewrites the part of a hand-written file between `<!-- NAME:start -->` and
//! `<!-- NAME:end -->`, keeping everything else (the analysis around it) as it is.

use std::path::Path;

/// Puts `body` between the markers of `name` in `path`; appends the section when the
/// markers are missing.
pub fn write(path: &Path, name: &str, body: &str) -> anyhow::Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::write(path, replace(&old, name, body))?;
    Ok(())
}

fn replace(old: &str, name: &str, body: &str) -> String {
    let (start, end) = (format!("<!-- {name}:start -->"), format!("<!-- {name}:end -->"));
    let block = format!("{start}\n{body}{end}");
    match (old.find(&start), old.find(&end)) {
        (Some(s), Some(e)) if s < e => format!("{}{block}{}", &old[..s], &old[e + end.len()..]),
        _ => format!("{old}\n{block}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::replace;

    #[test]
    fn only_the_named_section_changes() {
        let old = "a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n<!-- y:start -->\nkeep\n<!-- y:end -->\n";
        let new = replace(old, "x", "new\n");
        assert_eq!(new, "a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb\n<!-- y:start -->\nkeep\n<!-- y:end -->\n");
    }

    #[test]
    fn a_missing_section_is_appended() {
        assert_eq!(replace("a\n", "x", "new\n"), "a\n\n<!-- x:start -->\nnew\n<!-- x:end -->\n");
    }
}
