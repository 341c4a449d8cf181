//! The Money Transfer page (static/) rendered in headless Chromium against
//! a stand-in API that returns fixed JSON, some of it hostile. Checks that data shows as text
//! and never runs, and that each section of the page shows what the API said.

mod stand_in;

use anyhow::{Context, ensure};
use serde_json::json;
use testkit::browser::{Browser, screenshot_path};

use self::stand_in::{
    EVIL_ACCOUNT, EVIL_ID, FAILED_ERROR, FAILURE, MANY, NO_WORKER, NO_WORKER_ID, PANICKING_ID, Shared, serve,
};

/// A card's steps (name and state) and the text of its "waiting" box, if it has one.
async fn card_steps(b: &Browser, id: &str) -> anyhow::Result<serde_json::Value> {
    b.execute_with(
        "const card = Array.from(document.querySelectorAll('.workflow-card')).find(c => c.dataset.workflowId === arguments[0]);\
         const box = card.querySelector('.no-worker, .task-failing');\
         return {\
           steps: Array.from(card.querySelectorAll('.steps .step'), s => [s.dataset.step, ['done', 'current', 'pending'].find(k => s.classList.contains(k)) || '?']),\
           box: box && box.innerText\
         };",
        vec![json!(id)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_shows_hostile_data_as_text_and_renders_every_section() -> anyhow::Result<()> {
    let shared = Shared::default();
    let url = serve(shared.clone()).await?;
    Browser::run_with_screenshot("page_escaping", |b| async move {
        b.goto(&url).await?;
        b.wait_for_js("document.querySelectorAll('#accounts .account-row').length === 4").await?;
        b.wait_for(".workflow-card").await?;
        b.wait_for(".history-row").await?;

        // Nothing from the data ran or became markup.
        let pwned = b.execute("return typeof window.pwned;").await?;
        ensure!(pwned == json!("undefined"), "window.pwned was set: {pwned}");
        let images = b.execute("return document.querySelectorAll('img').length;").await?;
        ensure!(images == json!(0), "the page has {images} img elements");
        let scripts = b.execute("return Array.from(document.scripts, s => s.getAttribute('src'));").await?;
        ensure!(scripts == json!(["app.js"]), "unexpected scripts: {scripts}");
        let bold = b.count(".last-failure b").await?;
        ensure!(bold == 0, "markup in the failure text became elements");

        // Accounts: the expected rows, in order, with money formatted.
        let accounts = b
            .execute("return Array.from(document.querySelectorAll('#accounts .account-row'), r => r.dataset.account);")
            .await?;
        ensure!(accounts == json!(["account_A", "account_B", EVIL_ACCOUNT, "account_F"]), "account rows: {accounts}");
        let table = b.text("#accounts").await?;
        ensure!(table.contains(EVIL_ACCOUNT), "the account name is not shown literally: {table}");
        ensure!(table.contains("$1,234.50") && table.contains("$1,000.00"), "balances: {table}");
        let options = b.execute("return Array.from(document.querySelectorAll('#to-account option'), o => o.value);").await?;
        ensure!(options.as_array().is_some_and(|o| o.len() == 4 && o[2] == json!(EVIL_ACCOUNT)), "to options: {options}");

        // Active workflows: the retrying card, its steps, its attempt and last failure.
        ensure!(b.count(".workflow-card").await? == 4, "expected four active cards");
        let card = b
            .execute_with(
                "const card = Array.from(document.querySelectorAll('.workflow-card'))\
                   .find(c => c.dataset.workflowId === arguments[0]);\
                 if (!card) return null;\
                 const link = card.querySelector('a.web-ui-link');\
                 return {\
                   text: card.innerText,\
                   id: card.querySelector('.wf-id').textContent,\
                   failure: card.querySelector('.last-failure') && card.querySelector('.last-failure').textContent,\
                   steps: Array.from(card.querySelectorAll('.steps .step'), s => [s.dataset.step, ['done', 'current', 'pending'].find(k => s.classList.contains(k)) || '?']),\
                   link: link && link.getAttribute('href'),\
                   target: link && link.target,\
                   rel: link && link.rel\
                 };",
                vec![json!(EVIL_ID)],
            )
            .await?;
        ensure!(!card.is_null(), "no card for the workflow {EVIL_ID}");
        ensure!(card["id"] == json!(EVIL_ID), "card id shown as {}", card["id"]);
        let text = card["text"].as_str().unwrap_or_default();
        ensure!(text.contains("attempt 3"), "card does not show the attempt: {text}");
        ensure!(text.contains("$100.50"), "card does not show the amount: {text}");
        ensure!(text.contains(EVIL_ACCOUNT), "card does not show the target account: {text}");
        let failure = card["failure"].as_str().unwrap_or_default();
        ensure!(failure.contains(FAILURE), "last failure shown as {failure:?}");
        ensure!(
            card["steps"]
                == json!([
                    ["check_balance_from", "done"],
                    ["check_balance_to", "done"],
                    ["withdraw", "current"],
                    ["deposit", "pending"]
                ]),
            "steps: {}",
            card["steps"]
        );
        ensure!(
            card["link"]
                == json!("http://web-ui.test:8233/namespaces/default/workflows/%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E"),
            "web UI link: {}",
            card["link"]
        );
        ensure!(card["target"] == json!("_blank"), "web UI link target: {}", card["target"]);
        ensure!(card["rel"].as_str().is_some_and(|r| r.contains("noopener")), "web UI link rel: {}", card["rel"]);

        // A transfer no worker answers for: the card says so (as text), and the steps its
        // history proves done are done.
        let waiting = card_steps(&b, NO_WORKER_ID).await?;
        let box_text = waiting["box"].as_str().unwrap_or_default();
        ensure!(box_text.contains("Waiting for a worker") && box_text.contains(NO_WORKER), "no-worker box: {box_text}");
        let after_the_first_step = json!([
            ["check_balance_from", "done"],
            ["check_balance_to", "current"],
            ["withdraw", "pending"],
            ["deposit", "pending"]
        ]);
        ensure!(waiting["steps"] == after_the_first_step, "steps without a worker: {}", waiting["steps"]);
        // A workflow task failing after the first step: the step after it is the current one.
        let panicking = card_steps(&b, PANICKING_ID).await?;
        ensure!(panicking["steps"] == after_the_first_step, "steps of a failing task: {}", panicking["steps"]);
        ensure!(panicking["box"].as_str().unwrap_or_default().contains("Workflow code failing"), "{panicking}");
        ensure!(b.count(".last-failure b").await? == 0, "markup in the no-worker text became elements");

        // History: FAILED row with its error, the cap, and no javascript: link.
        let failed = b.text(r#".history-row[data-status="FAILED"]"#).await?;
        ensure!(failed.contains(FAILED_ERROR), "FAILED row: {failed}");
        ensure!(failed.contains("FAILED"), "FAILED row has no badge: {failed}");
        let rows = b.count(".history-row").await?;
        ensure!(rows == 100, "history lists {rows} rows, not the newest 100");
        let note = b.text("#history-note").await?;
        ensure!(note.contains(&format!("100 of {}", MANY + 3)), "history note: {note}");
        let first = b.execute("return document.querySelector('.history-row').dataset.workflowId;").await?;
        ensure!(first == json!("transfer-failed-1"), "newest finished workflow first, got {first}");
        let done = b.text(r#".history-row[data-workflow-id="transfer-done-1"]"#).await?;
        ensure!(done.contains("$900.00") && done.contains("$600.00"), "COMPLETED row: {done}");
        let unsafe_links = b.execute("return document.querySelectorAll('a[href^=\"javascript:\"]').length;").await?;
        ensure!(unsafe_links == json!(0), "a javascript: link was rendered");
        let badge = b
            .execute("return getComputedStyle(document.querySelector('.history-row[data-status=\"FAILED\"] .badge')).color;")
            .await?;
        ensure!(badge == json!("rgb(180, 35, 35)"), "FAILED badge colour: {badge}");

        // The form: the server's message on a bad amount, the new id on success.
        b.select("#from-account", "account_A").await?;
        b.select("#to-account", EVIL_ACCOUNT).await?;
        b.fill("#amount", "twelve").await?;
        b.click("#transfer-submit").await?;
        b.wait_for_text("#message", "amount must be a number of dollars").await?;
        b.fill("#amount", "12.50").await?;
        b.click("#transfer-submit").await?;
        b.wait_for_text("#message", "Started transfer transfer-<new>-1").await?;
        let sent = shared.lock().unwrap().transfers.clone();
        ensure!(
            sent == vec![
                json!({"from_account": "account_A", "to_account": EVIL_ACCOUNT, "amount": "twelve"}),
                json!({"from_account": "account_A", "to_account": EVIL_ACCOUNT, "amount": 12.5}),
            ],
            "transfer requests: {sent:?}"
        );

        // Real World Mode switch.
        ensure!(b.text("#rwm-state").await? == "OFF", "Real World Mode should start OFF");
        b.click("#real-world-mode").await?;
        b.wait_for_text("#rwm-state", "ON").await?;
        ensure!(shared.lock().unwrap().real_world_mode, "the switch did not reach the server");

        // Reset asks first.
        b.accept_confirms().await?;
        b.click("#reset").await?;
        b.wait_for_text("#message", "Database reset").await?;
        ensure!(shared.lock().unwrap().resets == 1, "reset was not posted once");
        ensure!(b.confirm_texts().await?.len() == 1, "reset did not ask for confirmation");

        // An account's history panel.
        b.execute_with(
            "Array.from(document.querySelectorAll('.account-row')).find(r => r.dataset.account === arguments[0]).click();",
            vec![json!(EVIL_ACCOUNT)],
        )
        .await?;
        b.wait_for_js("!document.getElementById('account-history').hidden").await?;
        let panel = b.wait_for_text("#account-history", "$200.50").await?;
        ensure!(panel.contains(EVIL_ACCOUNT), "panel title: {panel}");
        // Rendered text: the labels are styled in capitals.
        ensure!(panel.to_lowercase().contains("total received"), "summary cards: {panel}");
        let transfers = b.count("#account-transfers .transfer-row").await?;
        ensure!(transfers == 2, "account transfers listed: {transfers}");

        // Still nothing ran after all that re-rendering.
        let pwned = b.execute("return [typeof window.pwned, document.querySelectorAll('img').length];").await?;
        ensure!(pwned == json!(["undefined", 0]), "after interaction: {pwned}");

        // Pictures to look at: a laptop screen and a narrow side tab.
        // (Not the full page: a hundred history rows make it very tall.)
        b.set_window_size(1280, 2000).await?;
        b.screenshot(screenshot_path("page-sample")).await.context("page-sample screenshot")?;
        b.set_window_size(430, 2400).await?;
        b.screenshot(screenshot_path("page-sample-narrow")).await.context("narrow screenshot")?;
        let overflow = b.execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;").await?;
        ensure!(overflow.as_i64().is_some_and(|o| o <= 0), "the narrow page scrolls sideways by {overflow}px");

        b.click("#account-history-close").await?;
        b.wait_for_js("document.getElementById('account-history').hidden").await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_copes_with_hundreds_of_workflows() -> anyhow::Result<()> {
    let shared = Shared::default();
    shared.lock().unwrap().extra_running = 300;
    let url = serve(shared.clone()).await?;
    Browser::run_with_screenshot("page_many_workflows", |b| async move {
        b.goto(&url).await?;
        b.wait_for_js("document.querySelectorAll('.workflow-card').length === 304").await?;
        ensure!(b.count(".history-row").await? == 100, "history is not capped at 100");
        // A state with no get_state answer: the step comes from the running activity.
        let steps = b
            .execute(
                "const card = document.querySelector('.workflow-card[data-workflow-id=\"transfer-bulk-000\"]');\
                 return Array.from(card.querySelectorAll('.step'), s => s.className);",
            )
            .await?;
        ensure!(
            steps == json!(["step done", "step done", "step done", "step current retrying"]),
            "steps inferred from the pending activity: {steps}"
        );
        // Unchanged data is not rendered again: a card node survives later polls.
        b.execute("window.__firstCard = document.querySelector('.workflow-card');").await?;
        b.wait_for_js("(window.__checks = (window.__checks || 0) + 1) > 30").await?; // a few polls pass
        let same = b
            .execute("return window.__firstCard.isConnected && document.querySelectorAll('.workflow-card').length;")
            .await?;
        ensure!(same == json!(304), "after polling, first card still shown / card count: {same}");
        Ok(())
    })
    .await
}
