//! The solution of module 4 is the exercise without Jerry's two bugs, nothing else.

/// Jerry's lines, as `scripts/solution-diff module04` shows their removal.
const FIX: &[&str] = &[
    r#"-        // Jerry: "withdrawals go through my local bank, it's faster" (it worked on his machine)."#,
    r#"-        let bank = AccountClient::new("http://localhost:8080");"#,
    r#"-        let outcome = bank.withdraw(&op.account, op.amount, Some(op.reference_id.clone())).await;"#,
    r#"+        let outcome = self.bank.withdraw(&op.account, op.amount, Some(op.reference_id.clone())).await;"#,
    r#"-        // Jerry: screen transfers from the fraud team's watch list (accounts 9000 and up)."#,
    r#"-        let account_number: u32 = from.trim_start_matches("account_").parse().unwrap();"#,
    r#"-        if account_number >= 9000 {"#,
    r#"-            return Err(ApplicationFailure::non_retryable(format!("{from} is on the fraud watch list")).into());"#,
    r#"-        }"#,
];

#[test]
fn the_solution_differs_from_the_exercise_only_by_the_fix() {
    testkit::drift::check_solution("module04", FIX);
}
