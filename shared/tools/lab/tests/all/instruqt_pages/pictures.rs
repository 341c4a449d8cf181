//! Each page shows a diagram of its module, drawn by this project (`instruqt/assets/`), and the
//! module's README shows it too; every asset is used; every page ends its steps on a wrap-up.

use std::collections::BTreeSet;

use testkit::pages::Page;

#[test]
fn every_page_shows_its_diagram_and_every_asset_is_used() {
    let root = workshop::paths::workspace_root();
    let mut shown = BTreeSet::new();
    for page in Page::all() {
        let images = page.images();
        assert!(!images.is_empty(), "{}: no diagram", page.path.display());
        let module = page.name()[..2].to_string();
        let readme_path = root.join(format!("exercises/module{module}/README.md"));
        let readme = std::fs::read_to_string(&readme_path).unwrap();
        for image in images {
            let path = page.path.parent().unwrap().join(&image);
            assert!(path.is_file(), "{}: {image} does not exist", page.path.display());
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            assert!(readme.contains(&file), "{} does not show {file}, as its page does", readme_path.display());
            shown.insert(file);
        }
    }
    for asset in std::fs::read_dir(root.join("instruqt/assets")).unwrap().flatten() {
        let name = asset.file_name().to_string_lossy().to_string();
        assert!(shown.contains(&name), "instruqt/assets/{name} is on no page");
    }
}

#[test]
fn every_page_wraps_up() {
    for page in Page::all() {
        let main = testkit::pages::prose::without_details(&page.body);
        let wrap_up = main.find("## Wrap-up").unwrap_or_else(|| panic!("{}: no wrap-up", page.path.display()));
        let check = main.find("## Check").unwrap();
        assert!(wrap_up < check, "{}: the wrap-up comes before the check", page.path.display());
    }
}
