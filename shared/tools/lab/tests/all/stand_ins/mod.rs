//! What the tests that run the lab's shell scripts on a machine short of something share: a
//! `PATH` of this machine's commands less some of them, and stand-in commands.

use std::path::Path;
use std::process::Output;

pub fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// What a command said, stdout then stderr.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A PATH of this machine's commands (the folders of this PATH, linked into `dir`) less
/// `missing`, plus `stand_ins` (name, script) in front.
pub fn path_without(dir: &Path, missing: &[&str], stand_ins: &[(&str, String)]) -> String {
    let (system, own) = (dir.join("system-bin"), dir.join("bin"));
    std::fs::create_dir_all(&system).unwrap();
    std::fs::create_dir_all(&own).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    for folder in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let link = system.join(&name);
            if !missing.contains(&name.to_str().unwrap_or_default()) && !link.exists() {
                let _ = std::os::unix::fs::symlink(entry.path(), link);
            }
        }
    }
    for (name, script) in stand_ins {
        write_script(&own.join(name), script);
    }
    format!("{}:{}", own.display(), system.display())
}
