"""The dashboard in a real headless browser (Debian's chromium and chromium-driver, through selenium): the
overview's totals against the database, the request list with its filters and live updates, the five detail
tabs against the stored record, the SQL console with a refused write and exports, and the token banner.
Screenshots of each page and tab go to test-artifacts/dashboard/."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import harness
from dashboard_env import ADMIN_TOKEN, SEARCH_WORD, db_ids, db_totals

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "dashboard"
WAIT = 10.0  # seconds any one thing may take to show


# ---- the browser ---------------------------------------------------------------------------------------------------


def find_program(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(f"{' or '.join(names)} not found: install Debian's chromium and chromium-driver "
                "(scripts/setup --test does)")


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads, tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = find_program("chromium", "chromium-browser")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--lang=en-US", "--no-first-run", "--no-proxy-server"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Chromium keeps its singleton socket in a folder of $TMPDIR that it leaves behind even after quit(): one
    # folder per test run in the machine's /tmp. Given a folder of the run's own, pytest's clean-up takes it.
    browser_tmp = tmp_path_factory.mktemp("chromium-tmp")
    service = Service(executable_path=find_program("chromedriver"), env={**os.environ, "TMPDIR": str(browser_tmp)})
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(autouse=True)
def no_script_errors(browser):
    """Whatever a test did, the page logged no JavaScript error (a failed API call it handled is not one)."""
    browser.get_log("browser")  # drop what earlier tests left
    yield
    errors = [entry["message"] for entry in browser.get_log("browser")
              if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]]
    assert not errors, f"JavaScript errors: {errors}"


def wait_for(browser, condition, what: str, timeout: float = WAIT):
    """Polls `condition(browser)` until it is truthy; returns that value."""
    try:
        return WebDriverWait(browser, timeout, poll_frequency=0.05).until(lambda driver: condition(driver))
    except TimeoutException:
        pytest.fail(f"timed out after {timeout}s waiting for {what}")


def by_testid(browser, testid: str):
    return browser.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def shown(browser, testid: str) -> tuple[str, str | None]:
    """The text and `data-value` of the element with `testid`."""
    element = by_testid(browser, testid)
    return element.text, element.get_attribute("data-value")


def screenshot(browser, name: str, height: int | None = None) -> None:
    """Saves test-artifacts/dashboard/<name>.png; `height` first resizes the window to show the whole page."""
    if height:
        browser.set_window_size(1400, height)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    if height:
        browser.set_window_size(1400, 1000)


def loaded(browser, page: str) -> bool:
    return browser.execute_script(
        "const p = document.getElementById('page-' + arguments[0]); return !p.hidden && p.dataset.loaded === 'true';",
        page)


ROWS_JS = """
return [...document.querySelectorAll('[data-testid=request-row]')].map((row) => ({
  id: row.dataset.id, selected: row.classList.contains('selected'),
  cells: Object.fromEntries([...row.cells].map((cell) => [cell.dataset.col,
    {text: cell.textContent, value: cell.dataset.value}]))}));
"""


def rows(browser) -> list[dict]:
    """The request table's rows, read in one step (no element goes stale while the list refreshes)."""
    return browser.execute_script(ROWS_JS)


def row_ids(browser) -> list[str]:
    return [row["id"] for row in rows(browser)]


def open_requests(browser, recorded) -> None:
    browser.get(recorded.gateway.admin_url + "/requests")
    wait_for(browser, lambda b: loaded(b, "requests") and row_ids(b), "the request list")


def number(text: str | None) -> float | None:
    return None if text in (None, "null") else float(text)


# ---- overview ------------------------------------------------------------------------------------------------------


def test_overview_totals_equal_the_database(browser, recorded_dashboard):
    browser.get(recorded_dashboard.gateway.admin_url + "/")
    by_testid(browser, "range-all").click()
    wait_for(browser, lambda b: loaded(b, "overview") and b.find_element(By.ID, "page-overview")
             .get_attribute("data-range") == "all", "the overview over all time")

    expected = db_totals(recorded_dashboard)
    assert shown(browser, "total-requests") == (f"{expected['count']:,}", str(expected["count"]))
    text, value = shown(browser, "total-error-rate")
    assert number(value) == pytest.approx(expected["error_rate"])
    assert text == f"{expected['error_rate'] * 100:.1f}%"
    assert by_testid(browser, "total-error-rate-sub").text == f"{expected['errors']} errors"
    for testid, key in (("total-input-tokens", "input"), ("total-output-tokens", "output")):
        assert shown(browser, testid) == (f"{expected['tokens'][key]:,}", str(expected["tokens"][key]))
    for testid, key in (("total-cost", "cost_total"), ("total-cache-savings", "cache_savings")):
        text, value = shown(browser, testid)
        assert number(value) == pytest.approx(expected[key], rel=1e-9)
        assert text == f"${expected[key]:.6f}"
    text, value = shown(browser, "total-cache-hit-ratio")
    assert number(value) == pytest.approx(expected["cache_hit_ratio"])
    assert text == f"{expected['cache_hit_ratio'] * 100:.1f}%"
    assert number(shown(browser, "total-ttft-p50")[1]) == pytest.approx(expected["ttft_ms"]["p50"])

    # Charts are our own SVG: bars for requests, a bar per model, and exact values on hover.
    for testid in ("chart-requests", "chart-cache", "chart-ttft", "chart-latency", "chart-cost-model",
                   "chart-tokens-model", "chart-cost-provider", "chart-tokens-provider"):
        assert by_testid(browser, testid).find_elements(By.CSS_SELECTOR, "svg"), f"{testid} has no SVG"
    with recorded_dashboard.db() as connection:
        priced_models = connection.execute("SELECT count(DISTINCT coalesce(upstream_model, requested_model)) "
                                           "FROM exchanges WHERE cost_total IS NOT NULL").fetchone()[0]
    assert len(by_testid(browser, "chart-cost-model").find_elements(By.CSS_SELECTOR, ".bar-label")) == priced_models
    screenshot(browser, "overview", height=1650)

    ActionChains(browser).move_to_element(
        by_testid(browser, "chart-requests").find_element(By.CSS_SELECTOR, "rect.overlay")).perform()
    tooltip = wait_for(browser, lambda b: by_testid(b, "chart-requests-tooltip").is_displayed()
                       and by_testid(b, "chart-requests-tooltip"), "the chart's tooltip")
    assert "requests" in tooltip.text and "errors" in tooltip.text
    screenshot(browser, "overview-tooltip")


def test_overview_range_chooser(browser, recorded_dashboard):
    browser.get(recorded_dashboard.gateway.admin_url + "/")
    by_testid(browser, "range-15m").click()
    wait_for(browser, lambda b: loaded(b, "overview") and b.find_element(By.ID, "page-overview")
             .get_attribute("data-range") == "15m", "the overview over 15 minutes")

    since = int(time.time() * 1000) - 15 * 60_000
    expected = db_totals(recorded_dashboard, "started_at_ms >= ?", (since,))
    assert shown(browser, "total-requests")[1] == str(expected["count"])
    assert "active" in by_testid(browser, "range-15m").get_attribute("class")


# ---- requests --------------------------------------------------------------------------------------------------


def test_request_list_shows_every_exchange(browser, recorded_dashboard):
    open_requests(browser, recorded_dashboard)

    ids = db_ids(recorded_dashboard)
    wait_for(browser, lambda b: row_ids(b) == ids, "every exchange, newest first")
    assert by_testid(browser, "list-summary").text == f"1–{len(ids)} of {len(ids)}"
    for row in rows(browser):
        stored = recorded_dashboard.row(row["id"])
        cells = row["cells"]
        assert int(cells["time"]["value"]) == stored["started_at_ms"]
        assert cells["model"]["value"] == str(stored["requested_model"]).replace("None", "null")
        assert cells["outcome"]["value"] == stored["outcome"]
        assert str(stored["status"]) in cells["outcome"]["text"]
        assert cells["stream"]["text"] == ("yes" if stored["stream"] else "no")
        assert number(cells["ttft"]["value"]) == stored["ttft_ms"]
        assert number(cells["latency"]["value"]) == stored["total_ms"]
        assert number(cells["cost"]["value"]) == stored["cost_total"]
        assert cells["tokens"]["value"] == f"{stored['input_tokens']}/{stored['output_tokens']}".replace("None", "null")
    screenshot(browser, "requests")


def choose(browser, testid: str, value: str) -> None:
    Select(by_testid(browser, testid)).select_by_value(value)


def test_request_filters(browser, recorded_dashboard):
    open_requests(browser, recorded_dashboard)

    choose(browser, "filter-outcome", "upstream_error,timeout,truncated,rejected,gateway_error")
    failures = db_ids(recorded_dashboard, "outcome NOT IN ('ok', 'client_cancelled')")
    wait_for(browser, lambda b: row_ids(b) == failures, f"only the failures {failures}")
    screenshot(browser, "requests-filtered-failures")

    choose(browser, "filter-outcome", "")
    choose(browser, "filter-stream", "true")
    streamed = db_ids(recorded_dashboard, "stream = 1")
    wait_for(browser, lambda b: row_ids(b) == streamed, "only the streamed exchanges")

    choose(browser, "filter-provider", "an")
    streamed_by_an = db_ids(recorded_dashboard, "stream = 1 AND provider = 'an'")
    wait_for(browser, lambda b: row_ids(b) == streamed_by_an, "streamed exchanges served by an")
    screenshot(browser, "requests-filtered-stream-provider")

    by_testid(browser, "filter-reset").click()
    by_testid(browser, "filter-search").send_keys(SEARCH_WORD)
    wait_for(browser, lambda b: row_ids(b) == [recorded_dashboard.ids["openai"]], "the one body with the word")

    by_testid(browser, "filter-search").clear()
    by_testid(browser, "filter-search").send_keys("nothing has this text 5b1f")
    wait_for(browser, lambda b: by_testid(b, "requests-empty").is_displayed() and not row_ids(b), "no match")
    by_testid(browser, "filter-reset").click()
    wait_for(browser, lambda b: row_ids(b) == db_ids(recorded_dashboard), "the whole list again")


def test_request_list_pages(browser, recorded_dashboard):
    open_requests(browser, recorded_dashboard)
    choose(browser, "page-size", "25")
    ids = db_ids(recorded_dashboard)
    wait_for(browser, lambda b: row_ids(b) == ids[:25], "the first page")
    if len(ids) <= 25:
        assert not by_testid(browser, "page-next").is_enabled()
        assert not by_testid(browser, "page-prev").is_enabled()
    choose(browser, "page-size", "50")


FIRST_VISIBLE_ROW_JS = """
for (const row of document.querySelectorAll('[data-testid=request-row]')) {
  const top = row.getBoundingClientRect().top;
  if (top >= 0) return [row.dataset.id, top];
}
return null;
"""


def test_new_requests_appear_without_reload(browser, recorded_dashboard):
    """A new exchange shows up by itself; the selected row stays selected and a reader who scrolled down keeps
    their place (the rows on screen do not move)."""
    browser.set_window_size(1400, 560)  # short, so the list scrolls
    try:
        open_requests(browser, recorded_dashboard)
        selected = recorded_dashboard.ids["echo"]
        browser.find_element(By.CSS_SELECTOR, f'[data-testid="request-row"][data-id="{selected}"]').click()
        wait_for(browser, lambda b: by_testid(b, "detail-panel").get_attribute("data-loaded") == "true", "the drawer")
        browser.execute_script("window.__sameDocument = true; window.scrollTo(0, document.body.scrollHeight);")
        anchor_id, anchor_top = wait_for(browser, lambda b: b.execute_script("return window.scrollY > 0")
                                         and b.execute_script(FIRST_VISIBLE_ROW_JS), "a scrolled list")

        with httpx.Client(base_url=recorded_dashboard.gateway.url, timeout=10, trust_env=False) as client:
            response = harness.post_json(client, "/v1/chat/completions", json.dumps(
                {"model": "echo", "messages": [{"role": "user", "content": "a late arrival"}]}).encode())
        new_id = response.headers["x-lessllm-exchange-id"]

        wait_for(browser, lambda b: row_ids(b)[:1] == [new_id], "the new exchange at the top", timeout=15)
        assert browser.execute_script("return window.__sameDocument === true"), "the page was reloaded"
        assert [row["id"] for row in rows(browser) if row["selected"]] == [selected], "the selection moved"
        assert by_testid(browser, "detail-id").text == selected
        assert row_ids(browser) == db_ids(recorded_dashboard)
        top = browser.execute_script("return document.querySelector(`[data-id='${arguments[0]}']`)"
                                     ".getBoundingClientRect().top", anchor_id)
        assert abs(top - anchor_top) <= 1, f"the row on screen moved from {anchor_top} to {top}"
    finally:
        browser.set_window_size(1400, 1000)
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "requests-live")


# ---- the detail drawer -----------------------------------------------------------------------------------------


def open_detail(browser, recorded, label: str) -> dict:
    """Clicks the exchange's row; returns its stored record."""
    exchange_id = recorded.ids[label]
    open_requests(browser, recorded)
    browser.find_element(By.CSS_SELECTOR, f'[data-testid="request-row"][data-id="{exchange_id}"]').click()
    wait_for(browser, lambda b: by_testid(b, "detail-panel").get_attribute("data-loaded") == "true"
             and by_testid(b, "detail-id").text == exchange_id, f"the detail of {label}")
    return recorded.record(exchange_id)


def open_tab(browser, tab: str):
    by_testid(browser, f"tab-{tab}").click()
    return wait_for(browser, lambda b: by_testid(b, f"tab-panel-{tab}"), f"the {tab} tab")


def raw_json(browser, testid: str):
    """Switches a JSON view to its raw text and parses it."""
    by_testid(browser, f"{testid}-raw-toggle").click()
    return json.loads(wait_for(browser, lambda b: by_testid(b, f"{testid}-raw").text, f"{testid} as text"))


def value_of(browser, testid: str):
    return json.loads(by_testid(browser, testid).get_attribute("data-value"))


@pytest.mark.parametrize("label", ["openai_stream", "converted", "openai", "upstream_error", "echo", "unknown_model"])
def test_detail_tabs_show_the_stored_record(browser, recorded_dashboard, label):
    if label not in recorded_dashboard.ids:
        pytest.skip(f"the converter refused: {recorded_dashboard.skipped.get(label)}")
    record = open_detail(browser, recorded_dashboard, label)
    route, http, timing, usage, cost = (record["route"] or {}, record["http"], record["timing"], record["usage"],
                                        record["cost"])
    assert "/requests/" + record["id"] in browser.current_url

    # The header.
    assert value_of(browser, "detail-time") == record["started_at_ms"]
    assert value_of(browser, "detail-model") == route.get("requested_model", record.get("requested_model"))
    assert value_of(browser, "detail-outcome") == record["outcome"]
    assert value_of(browser, "detail-status") == http["status"]
    assert value_of(browser, "detail-stream") == record["stream"]
    assert value_of(browser, "detail-latency") == timing["total_ms"]
    assert value_of(browser, "detail-cost") == (cost["total"] if cost else None)

    # Request: as received, and as sent upstream when it differs.
    open_tab(browser, "request")
    assert raw_json(browser, "json-request") == record["request"]
    if record["upstream_request"] is not None:
        assert raw_json(browser, "json-upstream-request") == record["upstream_request"]
    else:
        assert by_testid(browser, "upstream-request-note").is_displayed()
    screenshot(browser, f"detail-{label}-request")

    # Response: the reconstructed response and the raw events.
    open_tab(browser, "response")
    assert raw_json(browser, "json-response") == record["response"]
    events = record["raw_events"] or []
    assert len(by_testid(browser, "raw-events").find_elements(By.CSS_SELECTOR, '[data-testid="raw-event"]')) \
        == min(100, len(events))
    if record["error"]:
        assert value_of(browser, "error-status") == record["error"]["status"]
        assert value_of(browser, "error-message") == record["error"]["message"]
    screenshot(browser, f"detail-{label}-response")

    # HTTP: method, path, client, status, sizes, redacted headers.
    panel = open_tab(browser, "http")
    assert value_of(browser, "http-method") == http["method"]
    assert value_of(browser, "http-path") == http["path"]
    assert value_of(browser, "http-client-ip") == record["client"]["ip"]
    assert value_of(browser, "http-status") == http["status"]
    assert value_of(browser, "http-request-bytes") == http["request_bytes"]
    assert value_of(browser, "http-response-bytes") == http["response_bytes"]
    headers = by_testid(browser, "http-request-headers").text
    for name, header_value in http["request_headers"].items():
        assert f"{name} {header_value}" in headers
    if "authorization" in http["request_headers"]:
        assert http["request_headers"]["authorization"] == "[redacted]"
        assert harness.CLIENT_KEY not in panel.text
    if http["upstream"]:
        assert value_of(browser, "http-upstream-url") == http["upstream"]["url"]
        assert value_of(browser, "http-upstream-status") == http["upstream"]["status"]
        assert harness.OPENAI_UPSTREAM_KEY not in panel.text and harness.ANTHROPIC_UPSTREAM_KEY not in panel.text
    screenshot(browser, f"detail-{label}-http")

    # Performance: the timing figures and one dot per content event on the timeline.
    open_tab(browser, "performance")
    for testid, key in (("perf-ttft", "ttft_ms"), ("perf-tpot", "tpot_ms"), ("perf-total", "total_ms"),
                        ("perf-upstream-ttfb", "upstream_ttfb_ms"), ("perf-gateway-overhead", "gateway_overhead_ms"),
                        ("perf-tokens-per-second", "output_tokens_per_second")):
        assert value_of(browser, testid) == timing.get(key), testid
    if timing.get("gap_ms"):
        for p in ("p50", "p90", "p99", "max"):
            assert value_of(browser, f"perf-gap-{p}") == timing["gap_ms"][p]
    dots = by_testid(browser, "chart-token-timeline").find_elements(By.CSS_SELECTOR, "circle")
    assert len(dots) == len(timing["token_times_ms"])
    screenshot(browser, f"detail-{label}-performance")

    # Cost: tokens by class, the price, the breakdown, cache savings.
    open_tab(browser, "cost")
    if usage:
        for key in ("input", "output", "cache_read", "cache_write", "reasoning"):
            assert value_of(browser, f"tokens-{key}") == usage[key], key
        assert value_of(browser, "tokens-estimated") == usage["estimated"]
    else:
        assert by_testid(browser, "cost-tokens").is_displayed()
    if cost:
        for key in ("input", "output", "cache_read", "cache_write", "total"):
            assert value_of(browser, f"cost-{key}") == cost[key], key
        for key in ("input", "output", "cache_read", "cache_write"):
            assert value_of(browser, f"price-{key}") == cost["price"][key], key
        assert value_of(browser, "price-pattern") == cost["price"]["pattern"]
        assert value_of(browser, "cost-cache-savings") == cost["cache_savings"]
        assert value_of(browser, "cost-cache-hit-ratio") == cost["cache_hit_ratio"]
    else:
        assert by_testid(browser, "cost-none").is_displayed()
    screenshot(browser, f"detail-{label}-cost")


def test_detail_link_opens_directly_and_escape_closes(browser, recorded_dashboard):
    exchange_id = recorded_dashboard.ids["anthropic"]
    browser.get(f"{recorded_dashboard.gateway.admin_url}/requests/{exchange_id}#cost")
    wait_for(browser, lambda b: by_testid(b, "detail-panel").get_attribute("data-loaded") == "true", "the drawer")
    assert "active" in by_testid(browser, "tab-cost").get_attribute("class")
    assert value_of(browser, "tokens-cache_read") == 2000

    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait_for(browser, lambda b: not by_testid(b, "detail-panel").is_displayed(), "the drawer to close")
    assert browser.current_url.endswith("/requests")

    browser.get(f"{recorded_dashboard.gateway.admin_url}/requests/01NOSUCHEXCHANGE0000000000")
    box = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '[data-testid="detail-error-box"]'),
                   "the not-found message")
    assert "No exchange with id 01NOSUCHEXCHANGE0000000000" in box[0].text


def test_long_bodies_stay_collapsed_and_lazy(browser, recorded_dashboard):
    """A big request body builds only a few nodes until the reader opens them."""
    messages = [{"role": "user", "content": f"message {i} " + "lorem ipsum " * 60} for i in range(400)]
    with httpx.Client(base_url=recorded_dashboard.gateway.url, timeout=10, trust_env=False) as client:
        response = harness.post_json(client, "/v1/chat/completions",
                                     json.dumps({"model": "echo", "messages": messages}).encode())
    big_id = response.headers["x-lessllm-exchange-id"]
    browser.get(f"{recorded_dashboard.gateway.admin_url}/requests/{big_id}#request")
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '[data-testid="json-request"]'), "the big body")

    tree = by_testid(browser, "json-request")
    assert len(tree.find_elements(By.CSS_SELECTOR, ".j-node")) < 150, "a big array was built eagerly"
    messages_node = tree.find_element(By.XPATH, './/div[contains(@class,"j-line")][.//span[text()=\'"messages"\']]')
    messages_node.find_element(By.CSS_SELECTOR, ".j-toggle").click()
    more = wait_for(browser, lambda b: tree.find_elements(By.CSS_SELECTOR, ".j-more"), "the 'show more' button")
    assert any("show 100 more (100 of 400)" in button.text for button in more)
    screenshot(browser, "detail-long-body")


# ---- SQL console ---------------------------------------------------------------------------------------------------


def run_sql(browser, sql: str, max_rows: int | None = None) -> str:
    """Types `sql`, runs it, and returns the page's state once it answered (done / refused / error)."""
    area = by_testid(browser, "sql-input")
    area.clear()
    area.send_keys(sql)
    if max_rows is not None:
        limit = by_testid(browser, "sql-max-rows")
        limit.clear()
        limit.send_keys(str(max_rows))
    browser.execute_script("document.getElementById('page-sql').dataset.state = 'idle';")
    by_testid(browser, "sql-run").click()
    return wait_for(browser, lambda b: (state := b.find_element(By.ID, "page-sql").get_attribute("data-state"))
                    in ("done", "refused", "error") and state, "the query's answer")


def result_table(browser) -> tuple[list[str], list[list[str]]]:
    return browser.execute_script("""
      const table = document.querySelector('[data-testid=sql-result]');
      return [[...table.tHead.rows[0].cells].map((c) => c.textContent),
              [...table.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent))];""")


def same_cell(shown_text: str, value) -> bool:
    """A cell as the page shows it equals the database's value (numbers compared as numbers: JavaScript and Python
    write small floats differently)."""
    if value is None:
        return shown_text in ("NULL", "")
    if isinstance(value, float):
        return float(shown_text) == value
    return shown_text == str(value)


def same_rows(shown_rows: list[list[str]], expected: list[list]) -> bool:
    return len(shown_rows) == len(expected) and all(
        len(a) == len(b) and all(same_cell(x, y) for x, y in zip(a, b)) for a, b in zip(shown_rows, expected))


def test_sql_console_runs_a_query(browser, recorded_dashboard):
    browser.get(recorded_dashboard.gateway.admin_url + "/sql")
    by_testid(browser, "sql-example-errors-by-provider").click()
    assert "outcome NOT IN" in by_testid(browser, "sql-input").get_attribute("value")
    assert run_sql(browser, by_testid(browser, "sql-input").get_attribute("value")) == "done"

    sql = "SELECT provider, count(*) AS n, sum(cost_total) AS cost FROM exchanges GROUP BY provider ORDER BY provider"
    assert run_sql(browser, sql) == "done"
    columns, shown_rows = result_table(browser)
    with recorded_dashboard.db() as connection:
        expected = [list(row) for row in connection.execute(sql)]
    assert columns == ["provider", "n", "cost"]
    assert same_rows(shown_rows, expected), (shown_rows, expected)
    assert by_testid(browser, "sql-meta").text.startswith(f"{len(expected)} rows")
    screenshot(browser, "sql")

    assert run_sql(browser, "SELECT id FROM exchanges ORDER BY id", max_rows=3) == "done"
    assert len(result_table(browser)[1]) == 3
    assert "row limit" in by_testid(browser, "sql-meta").text


def test_sql_console_refuses_a_write(browser, recorded_dashboard):
    browser.get(recorded_dashboard.gateway.admin_url + "/sql")
    before = recorded_dashboard.stored_count()

    assert run_sql(browser, "DELETE FROM exchanges") == "refused"

    error = by_testid(browser, "sql-error")
    assert error.is_displayed()
    assert error.text.startswith("Refused:") and "read-only" in error.text
    assert recorded_dashboard.stored_count() == before
    assert not by_testid(browser, "sql-export-csv").is_enabled()
    screenshot(browser, "sql-refused")


def wait_for_download(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        # The browser may create the file before it has written it: a download is done when it has bytes and no
        # partial file (.crdownload) is left beside it.
        partial = any(path.name.endswith(".crdownload") for path in folder.iterdir())
        done = [path for path in folder.iterdir() if path.name.endswith(suffix) and path.stat().st_size > 0]
        if done and not partial:
            return done[0]
        time.sleep(0.05)  # downloads are only observable in the folder
    pytest.fail(f"no complete {suffix} download in {folder}: {sorted(path.name for path in folder.iterdir())}")


def test_sql_console_exports_csv_and_json(browser, recorded_dashboard, downloads):
    browser.get(recorded_dashboard.gateway.admin_url + "/sql")
    sql = "SELECT id, requested_model, cost_total, 'a,\"b\"' AS quoted FROM exchanges ORDER BY id LIMIT 4"
    assert run_sql(browser, sql) == "done"
    with recorded_dashboard.db() as connection:
        expected = [list(row) for row in connection.execute(sql)]

    by_testid(browser, "sql-export-csv").click()
    exported = list(csv.reader(io.StringIO(wait_for_download(downloads, ".csv").read_text(), newline="")))
    assert exported[0] == ["id", "requested_model", "cost_total", "quoted"]
    assert same_rows(exported[1:], expected), (exported, expected)

    by_testid(browser, "sql-export-json").click()
    records = json.loads(wait_for_download(downloads, ".json").read_text())
    assert records == [dict(zip(["id", "requested_model", "cost_total", "quoted"], row)) for row in expected]


# ---- the admin token -------------------------------------------------------------------------------------------


def test_token_opens_the_page_once_and_a_lost_token_shows_a_clear_message(browser, token_dashboard):
    browser.get(f"{token_dashboard.admin_url}/?token={ADMIN_TOKEN}")
    wait_for(browser, lambda b: loaded(b, "overview"), "the overview, opened with the token")
    assert "token=" not in browser.current_url, "the token stayed in the address bar"
    assert not by_testid(browser, "banner").is_displayed()

    browser.delete_all_cookies()  # as if the token changed: every API call is now refused
    by_testid(browser, "nav-requests").click()
    banner = wait_for(browser, lambda b: by_testid(b, "banner").is_displayed() and by_testid(b, "banner"),
                      "the access-denied banner")
    assert "Access denied" in banner.text and "admin token" in banner.text
    assert by_testid(browser, "token-input").is_displayed()
    screenshot(browser, "unauthorized")
