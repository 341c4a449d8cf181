//! What a test does with a page: open it, find, click, type, read, run JavaScript.

use anyhow::Context;
use fantoccini::Locator;
use fantoccini::elements::Element;
use serde_json::Value;

use super::{Browser, guard};

impl Browser {
    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        guard(format!("loading {url}"), self.client.goto(url)).await
    }

    /// The address of the page shown now.
    pub async fn url(&self) -> anyhow::Result<String> {
        Ok(guard("reading the URL", self.client.current_url()).await?.to_string())
    }

    pub async fn set_window_size(&self, width: u32, height: u32) -> anyhow::Result<()> {
        guard("resizing the window", self.client.set_window_size(width, height)).await
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> anyhow::Result<Element> {
        self.wait_until(&format!("an element matching `{css}`"), |b| {
            let css = css.to_string();
            async move { b.find_now(&css).await }
        })
        .await
    }

    /// The first element matching `css` if there is one right now.
    pub async fn find_now(&self, css: &str) -> anyhow::Result<Option<Element>> {
        Ok(self.find_all(css).await?.into_iter().next())
    }

    /// Every element matching `css` right now (no waiting).
    pub async fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element>> {
        guard(format!("looking for `{css}`"), self.client.find_all(Locator::Css(css))).await
    }

    /// How many elements match `css` right now.
    pub async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.find_all(css).await?.len())
    }

    /// Clicks the element matching `css` (waiting for it to appear).
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        guard(format!("clicking `{css}`"), element.click()).await
    }

    /// Replaces the value of the input matching `css` with `text`, as if typed.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        guard(format!("clearing `{css}`"), element.clear()).await?;
        guard(format!("typing into `{css}`"), element.send_keys(text)).await
    }

    /// Chooses the option with `value` in the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        // The options may be filled in after the select itself appears.
        let option = format!("{css} option");
        self.wait_until(&format!("option `{value}` in `{css}`"), |b| {
            let (option, value) = (option.clone(), value.to_string());
            async move {
                for candidate in b.find_all(&option).await? {
                    if candidate.attr("value").await?.as_deref() == Some(value.as_str()) {
                        return Ok(Some(()));
                    }
                }
                Ok(None)
            }
        })
        .await?;
        guard(format!("selecting `{value}` in `{css}`"), element.select_by_value(value)).await
    }

    /// The rendered text of the element matching `css` (waiting for it to appear).
    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        let element = self.find(css).await?;
        guard(format!("reading the text of `{css}`"), element.text()).await
    }

    /// The rendered texts of every element matching `css` right now.
    pub async fn texts(&self, css: &str) -> anyhow::Result<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.find_all(css).await? {
            texts.push(guard(format!("reading the text of `{css}`"), element.text()).await?);
        }
        Ok(texts)
    }

    /// An attribute of the element matching `css` (waiting for the element to appear).
    pub async fn attr(&self, css: &str, name: &str) -> anyhow::Result<Option<String>> {
        let element = self.find(css).await?;
        guard(format!("reading `{name}` of `{css}`"), element.attr(name)).await
    }

    /// Runs JavaScript in the page as a function body (use `return` for a value).
    pub async fn execute(&self, script: &str) -> anyhow::Result<Value> {
        self.execute_with(script, Vec::new()).await
    }

    /// Like [`execute`](Self::execute), with `arguments[0]`, `arguments[1]`… set from `args`.
    pub async fn execute_with(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        guard("running a script in the page", self.client.execute(script, args)).await
    }

    /// Makes `window.confirm` answer `answer` without showing a dialog, and silences
    /// `window.alert`. Call it after each [`goto`](Self::goto): a new page starts afresh.
    pub async fn answer_confirms(&self, answer: bool) -> anyhow::Result<()> {
        self.execute_with(
            "const answer = arguments[0];\
             window.__testkitConfirms = [];\
             window.confirm = (text) => { window.__testkitConfirms.push(String(text)); return answer; };\
             window.alert = (text) => { window.__testkitConfirms.push(String(text)); };",
            vec![Value::Bool(answer)],
        )
        .await
        .map(|_| ())
    }

    /// Says yes to every `confirm()` dialog (see [`answer_confirms`](Self::answer_confirms)).
    pub async fn accept_confirms(&self) -> anyhow::Result<()> {
        self.answer_confirms(true).await
    }

    /// The texts of the `confirm()`/`alert()` dialogs answered since [`answer_confirms`](Self::answer_confirms).
    pub async fn confirm_texts(&self) -> anyhow::Result<Vec<String>> {
        let value = self.execute("return window.__testkitConfirms || [];").await?;
        serde_json::from_value(value).context("reading the answered dialogs")
    }
}
