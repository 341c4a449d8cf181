//! `REAL_WORLD_MODE` from the environment takes the usual ways of saying yes and no, and
//! `--real-world-mode` still needs no value. Alone in its process: it changes the process
//! environment, which no other test may read at the same time.

use bank::cli::BankArgs;
use clap::Parser;

use crate::common;

#[derive(Parser)]
struct AccountApi {
    #[command(flatten)]
    bank: BankArgs,
}

fn parse(args: &[&str]) -> Result<bool, clap::Error> {
    let args = std::iter::once("account-api").chain(args.iter().copied());
    AccountApi::try_parse_from(args).map(|cli| cli.bank.real_world_mode)
}

fn set_env(value: Option<&str>) {
    // SAFETY: the test runs alone in its process (common::alone_in_process), so no other
    // thread reads the environment.
    unsafe {
        match value {
            Some(value) => std::env::set_var("REAL_WORLD_MODE", value),
            None => std::env::remove_var("REAL_WORLD_MODE"),
        }
    }
}

#[test]
fn real_world_mode_accepts_boolish_values_and_a_bare_flag() {
    if !common::alone_in_process(concat!(module_path!(), "::real_world_mode_accepts_boolish_values_and_a_bare_flag")) {
        return;
    }
    set_env(None);
    assert!(!parse(&[]).unwrap(), "off unless asked for");
    assert!(parse(&["--real-world-mode"]).unwrap(), "the flag needs no value");

    for (value, on) in [("1", true), ("0", false), ("yes", true), ("no", false), ("true", true), ("off", false)] {
        set_env(Some(value));
        assert_eq!(parse(&[]).unwrap(), on, "REAL_WORLD_MODE={value}");
        assert!(parse(&["--real-world-mode"]).unwrap(), "the flag wins over REAL_WORLD_MODE={value}");
    }

    set_env(Some("maybe"));
    let refused = parse(&[]).unwrap_err().to_string();
    assert!(refused.contains("maybe") && refused.contains("real-world-mode"), "{refused}");
    set_env(None);
}
