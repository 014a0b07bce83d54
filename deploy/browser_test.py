"""The console in headless Chromium (SPEC §10), driven as a person would: labels and buttons as
the SPEC names them. Usage: browser_test.py BASE_URL OTHER_KEY SCREENSHOT_DIR ORG_KEY"""
import base64, hashlib, hmac, json, shutil, struct, sys, time, urllib.error, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.virtual_authenticator import VirtualAuthenticatorOptions
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base, other_key, shots, org_key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
PASSWORD, NEW_PASSWORD = "browser-test-password", "a brand new password"


def totp(secret_b32, step_offset=0):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int(time.time()) // 30 + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1_000_000)


def api(key, path="/api/surveys/"):
    """(status, JSON body or None) of GET `path` with `key`."""
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + key})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def api_status(key, path="/api/surveys/"):
    return api(key, path)[0]


options = webdriver.ChromeOptions()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
    options.add_argument(flag)
# The page's console, where Chromium reports a CSP violation.
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
driver.implicitly_wait(5)


def shoot(name):
    for width, height, label in ((1280, 800, "desktop"), (390, 844, "phone")):
        driver.set_window_size(width, height)
        driver.save_screenshot(f"{shots}/{name}-{label}.png")
    driver.set_window_size(1280, 800)


def shoot_element(name, element):
    """Screenshots of `element` alone at both widths (the page laid out again at each), in a
    window tall enough to hold all of it."""
    for width, height, label in ((1280, 2000, "desktop"), (390, 2000, "phone")):
        driver.set_window_size(width, height)
        driver.execute_script("arguments[0].scrollIntoView()", element)
        element.screenshot(f"{shots}/{name}-{label}.png")
    driver.set_window_size(1280, 800)


def shoot_page(name):
    """Screenshots of the whole page, not only its first screen, at both widths."""
    for width, label in ((1280, "desktop"), (390, "phone")):
        driver.set_window_size(width, 844)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(height + 100, 5000))
        driver.save_screenshot(f"{shots}/{name}-{label}.png")
    driver.set_window_size(1280, 800)


def console_errors():
    """The errors the page's console logged since the last call (a CSP violation is one); the
    favicon that the console does not have is not."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]


def strict_page(what):
    """The page shows its charts as inline SVG with titles, and is a ``plain_page``."""
    check(driver.find_elements(By.CSS_SELECTOR, "svg[role=img] > title"), f"{what} has a chart with a title")
    plain_page(what)


def plain_page(what):
    """The page has no inline style, script or console errors, and nothing on it is wider than
    a 390 px phone (tables scroll in their frame)."""
    check(not driver.find_elements(By.CSS_SELECTOR, "[style]") and not driver.find_elements(By.TAG_NAME, "script"),
          f"{what} has no inline style or script")
    driver.set_window_size(390, 844)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    driver.set_window_size(1280, 800)
    check(overflow <= 0, f"{what} fits 390 px ({overflow} px too wide)")
    errors = console_errors()
    check(not errors, f"{what}: console errors {errors}")


def today_row(table):
    """The cells of today's row (UTC) of a usage table, or None."""
    today = time.strftime("%Y-%m-%d", time.gmtime())
    for row in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
        if row.find_element(By.TAG_NAME, "th").text == today:
            return [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    return None


def field(label):
    element = driver.find_element(By.XPATH, f"//label[normalize-space()='{label}']")
    return driver.find_element(By.ID, element.get_attribute("for"))


def button(text):
    return driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']")


def arrived(path_part, message):
    """Waits (up to 10 s) for the page a click leads to, then checks where it is."""
    try:
        WebDriverWait(driver, 10).until(expected_conditions.url_contains(path_part))
    except Exception:
        pass
    check(path_part in driver.current_url, message)


def next_page_loaded(_):
    """True once a new document has replaced the marked one and finished loading. Asking while
    Chromium swaps documents can fail in several ways ("stale element", "node does not belong to
    the document", "no such execution context"); each only means "not yet"."""
    try:
        return driver.execute_script("return !window.__latchkeyOldPage && document.readyState === 'complete'")
    except WebDriverException:
        return False


def submit(text):
    """Clicks the button and waits for the next page to replace this one."""
    driver.execute_script("window.__latchkeyOldPage = true")
    button(text).click()
    WebDriverWait(driver, 10).until(next_page_loaded)



def sign_in(username, password, code):
    """Signs in on the page shown (the sign-in form) with a password and a second-factor code."""
    field("Username").send_keys(username)
    field("Password").send_keys(password)
    submit("Sign in")
    field("Code").send_keys(code)
    submit("Verify")

def check(condition, message):
    if not condition:
        raise AssertionError(message + f" (at {driver.current_url}: {driver.find_element(By.TAG_NAME, 'body').text[:400]})")


try:
    driver.get(base + "/")
    check(driver.current_url.endswith("/account/login"), "/ leads to sign-in")
    check(driver.title and driver.find_element(By.TAG_NAME, "h1").text, "the page has a title and a heading")
    shoot("sign-in")
    field("Username").send_keys("ada")
    field("Password").send_keys(PASSWORD)
    submit("Sign in")
    arrived("/account/mfa", "MFA follows the password")
    secret = driver.find_element(By.ID, "mfa-secret").text.strip()
    check(len(secret) >= 16, "the TOTP secret is shown")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")) == 10, "ten recovery codes")
    ada_codes = [li.text.strip() for li in driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")]
    shoot("mfa-enrol")
    qr = driver.find_element(By.CSS_SELECTOR, "svg.qr")
    check(qr.find_element(By.TAG_NAME, "title").get_attribute("textContent"), "the QR code has a title")
    qr.screenshot(f"{shots}/mfa-qr.png")
    with open(f"{shots}/mfa-qr.txt", "w", encoding="utf-8") as uri_file:
        uri_file.write(driver.find_element(By.ID, "mfa-uri").text.strip())
    field("Code").send_keys(totp(secret))
    submit("Verify")
    arrived("/account/keys", "API Keys after MFA")
    field("Name").send_keys("Browser key")
    expiry = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))
    driver.execute_script("arguments[0].value = arguments[1]", field("Expires"), expiry)
    shoot("api-keys")
    submit("Generate new key")
    key = driver.find_element(By.ID, "new-key").text.strip()
    check(key.startswith("ct_live_") and len(key) == 57, "the new key is shown once")
    shoot("new-key")
    check(api_status(key) == 200, "the new key works")
    check(api_status(other_key) == 200, "the operator's key works")

    driver.get(base + "/account/keys")
    check(key not in driver.page_source, "the raw key is not shown again")
    submit("Revoke")
    shoot("revoke")
    submit("Revoke")
    check(api_status(key) == 401, "a revoked key answers 401")

    # A fine-grained key (SPEC §15): surveys:view only, limited to one of ada's two surveys,
    # named by its slug (the key stores its id).
    status, listed = api(other_key)
    surveys = sorted((item["id"], item["slug"]) for item in listed or [])
    check(status == 200 and len(surveys) == 2, f"ada sees her two surveys ({status} {listed})")
    chosen, chosen_slug = surveys[0]
    driver.get(base + "/account/keys")
    fine = driver.find_element(By.CSS_SELECTOR, "details.fine")
    check(fine.get_attribute("open") is None, "the fine-grained section starts closed")
    fine.find_element(By.TAG_NAME, "summary").click()
    field("Name").send_keys("Fine-grained key")
    check(field("surveys: view").get_attribute("type") == "checkbox", "each box of the grid has a label")
    field("surveys: view").click()
    field("surveys").send_keys(chosen_slug)
    field("Rate limit").send_keys("100/min")
    field("Metadata").send_keys('{"purpose": "browser test"}')
    shoot_element("fine-grained-form", fine)
    submit("Generate new key")
    fine_key = driver.find_element(By.ID, "new-key").text.strip()
    check(fine_key.startswith("ct_live_"), "the fine-grained key is shown once")
    shape = driver.find_element(By.CSS_SELECTOR, ".reveal .shape").text
    check("surveys: view" in shape and f"limited to surveys {chosen}" in shape and "rate limit 100/min" in shape
          and "has metadata" in shape, f"the new key's shape is shown: {shape!r}")
    shoot("new-fine-grained-key")
    status, listed = api(fine_key)
    check(status == 200 and [item["id"] for item in listed] == [chosen],
          f"the fine-grained key sees only survey {chosen} ({status} {listed})")
    check(api_status(fine_key, "/api/datasets/") == 403, "the fine-grained key reaches no dataset")
    check(f"limited to surveys {chosen}" in driver.find_element(By.CSS_SELECTOR, "table").text, "the key list shows the limit")

    # Usage (SPEC §13): uses counted within the flush, a sparkline per key, a key's page with
    # its chart, table and addresses, the organisation's page with its stale keys.
    for _ in range(12):
        check(api_status(other_key) == 200, "the operator's key works")
    for _ in range(3):
        check(api_status(fine_key, "/api/datasets/") == 403, "the fine-grained key reaches no dataset")
    for _ in range(8):
        check(api_status(org_key) == 200, "the organisation's key works")
    check(api_status(org_key, "/api/audit/") == 403, "a viewer reads no audit log")
    driver.get(base + "/account/keys")
    driver.find_element(By.LINK_TEXT, "issued by the operator").click()
    arrived("/account/keys/", "the key's name leads to its page")
    # The operator's key: 2 uses before, 12 now, all valid; counted within 10 s on any instance.
    deadline = time.time() + 10
    while (today_row(driver.find_element(By.CSS_SELECTOR, ".usage table")) or [""])[0] != "14" and time.time() < deadline:
        time.sleep(0.5)
        driver.refresh()
    check(today_row(driver.find_element(By.CSS_SELECTOR, ".usage table"))[0] == "14", "today's 14 valid uses are counted")
    check("127.0.0.1" in driver.find_element(By.XPATH, "//h2[.='Recent client addresses']/..").text, "the client's address is listed")
    shoot_page("key-usage")
    strict_page("the key's page")

    # The key list: a sparkline per key, its title in words (the fine-grained key: 1 valid
    # use and 1 + 3 denied, all today).
    driver.get(base + "/account/keys")
    sparklines = driver.find_elements(By.CSS_SELECTOR, "td svg.spark")
    check(len(sparklines) == len(driver.find_elements(By.CSS_SELECTOR, "section table tbody tr")), "a sparkline per key")
    titles = [spark.find_element(By.TAG_NAME, "title").get_attribute("textContent") for spark in sparklines]
    check("Fine-grained key: 5 uses in the last 30 days" in titles, f"the sparklines' titles: {titles}")
    shoot("api-keys-usage")
    check(driver.execute_script("return document.querySelector('section .table').scrollWidth <= document.querySelector('section .table').clientWidth"),
          "the key list fits a desktop screen: names wrap rather than hide the buttons")
    check(console_errors() == [], "the key list logs no error")

    driver.get(base + "/account/keys")
    driver.find_element(By.LINK_TEXT, "Example").click()
    driver.find_element(By.LINK_TEXT, "Usage").click()
    arrived("/org/example/usage", "the organisation's pages link its usage")
    check(today_row(driver.find_element(By.CSS_SELECTOR, ".usage table"))[0] == "8", "the organisation's 8 valid uses today")
    most_used = driver.find_element(By.XPATH, "//h2[.='Most used keys']/..").text
    check("Survey sync" in most_used and "Reporting dashboard" in most_used and "Nightly export" not in most_used, f"most used: {most_used!r}")
    stale = driver.find_element(By.XPATH, "//h2[.='Stale keys']/..")
    check("Nightly export" in stale.text and "Survey sync" not in stale.text and "Reporting dashboard" not in stale.text,
          f"stale: {stale.text!r}")
    shoot_page("org-usage")
    strict_page("the organisation's usage page")
    stale.find_element(By.XPATH, ".//tr[td[.='Nightly export']]//button[normalize-space()='Revoke']").click()
    arrived("/revoke", "Revoke leads to the organisation's revoke page")
    check("Nightly export" in driver.page_source, "the stale key is the one to revoke")
    submit("Revoke")
    arrived("/org/example/keys?revoked=1", "the stale key is revoked")
    driver.get(base + "/org/example/usage")
    check("Nightly export" not in driver.find_element(By.XPATH, "//h2[.='Stale keys']/..").text, "a revoked key is not stale")

    # The organisation's key policy: the API's rules and words, saved and shown again.
    driver.get(base + "/org/example/keys")
    driver.find_element(By.LINK_TEXT, "Key policy").click()
    arrived("/org/example/policy", "the organisation's pages link its key policy")
    field("Longest key lifetime (days)").send_keys("0")
    submit("Save policy")
    check("max_lifetime_days" in driver.page_source and "3650" in driver.page_source, "a bad lifetime is refused in the API's words")
    console_errors()  # Chromium logs the refusal's 400 as an error: it is the one expected here.
    field("Longest key lifetime (days)").clear()
    field("Longest key lifetime (days)").send_keys("365")
    driver.find_element(By.XPATH, "//label[contains(., 'Require an expiry')]/input").click()
    submit("Save policy")
    arrived("/org/example/policy?saved=1", "the policy is saved")
    check(field("Longest key lifetime (days)").get_attribute("value") == "365", "the saved lifetime is shown")
    shoot_page("org-policy")
    plain_page("the key policy page")
    # Open again, so the SSO exchange after this test issues under no policy.
    field("Longest key lifetime (days)").clear()
    driver.find_element(By.XPATH, "//label[contains(., 'Require an expiry')]/input").click()
    submit("Save policy")
    check(field("Longest key lifetime (days)").get_attribute("value") == "", "the policy is open again")

    # Webhooks: add (the secret once), the endpoint's page, a test event, delete after confirming.
    driver.find_element(By.LINK_TEXT, "Webhooks").click()
    arrived("/org/example/webhooks", "the organisation's pages link its webhooks")
    field("URL").send_keys("https://hooks.example.com/latchkey")
    for event in ("key.revoked", "key.expiring", "policy.updated"):
        driver.find_element(By.ID, "event-" + event.replace(".", "-")).click()
    submit("Add endpoint")
    hook_secret = driver.find_element(By.ID, "webhook-secret").text
    check(hook_secret.startswith("whsec_"), "the signing secret is shown once")
    check("key.revoked, key.expiring, policy.updated" in driver.page_source, "the endpoint is listed with its events")
    shoot_page("org-webhooks")
    plain_page("the webhooks page")
    driver.find_element(By.LINK_TEXT, "Deliveries").click()
    arrived("/org/example/webhooks/", "an endpoint has its own page")
    submit("Send test event")
    check("A test event is queued" in driver.page_source, "a test event is queued")
    for _ in range(40):
        if "webhook.test" in driver.find_element(By.TAG_NAME, "main").text:
            break
        time.sleep(0.5)
        driver.refresh()
    check("webhook.test" in driver.find_element(By.TAG_NAME, "main").text, "the test event's attempt is listed (no network here: no answer)")
    shoot_page("org-webhook")
    plain_page("an endpoint's page")
    driver.find_element(By.LINK_TEXT, "Delete").click()
    arrived("/delete", "Delete asks first")
    shoot("org-webhook-delete")
    submit("Delete")
    arrived("/org/example/webhooks?deleted=1", "the endpoint is deleted")
    check("No endpoints yet." in driver.page_source and hook_secret not in driver.page_source, "no endpoint is left")

    driver.get(base + "/account/password")
    shoot("change-password")
    field("Current password").send_keys(PASSWORD)
    field("New password").send_keys(NEW_PASSWORD)
    field("Confirm new password").send_keys(NEW_PASSWORD)
    submit("Change password")
    check("Password changed" in driver.page_source, "the password is changed")
    shoot("password-changed")
    check(api_status(other_key) == 401, "a password change revokes every key")

    submit("Sign out")
    arrived("/account/login", "signed out")
    field("Username").send_keys("ada")
    field("Password").send_keys(NEW_PASSWORD)
    submit("Sign in")
    arrived("/account/mfa", "the new password signs in")
    shoot("mfa-verify")
    field("Code").send_keys(totp(secret, 1))
    submit("Verify")
    arrived("/account/keys", "a later code verifies")

    # Key requests (SPEC §14): in Guarded, whose policy requires approval, the member mia asks,
    # ada (its admin) approves with a note, mia collects the key, shown once.
    submit("Sign out")
    field("Username").send_keys("mia")
    field("Password").send_keys(PASSWORD)
    submit("Sign in")
    mia_secret = driver.find_element(By.ID, "mfa-secret").text.strip()
    mia_codes = [li.text.strip() for li in driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")]
    field("Code").send_keys(totp(mia_secret))
    submit("Verify")
    arrived("/account/keys", "mia reaches her keys")
    submit("Request key")
    arrived("/account/keys/request", "Request key leads to the request form")
    field("Name").send_keys("Warehouse export")
    expiry = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 20 * 86400))
    driver.execute_script("arguments[0].value = arguments[1]", field("Expires"), expiry)
    field("Allowed addresses").send_keys("127.0.0.0/8")
    field("Reason").send_keys("The nightly export to the warehouse")
    shoot_page("key-request-form")
    strict_page_plain = not driver.find_elements(By.CSS_SELECTOR, "[style]") and not driver.find_elements(By.TAG_NAME, "script")
    check(strict_page_plain, "the request form has no inline style or script")
    submit("Request key")
    arrived("/account/keys?requested=1", "the request is made")
    check("pending" in driver.find_element(By.CSS_SELECTOR, "table.requests").text, "the request is pending")
    check(not driver.find_elements(By.XPATH, "//button[normalize-space()='Collect key']"), "nothing to collect yet")
    shoot_page("key-request-pending")
    submit("Sign out")

    sign_in("ada", NEW_PASSWORD, ada_codes[0])
    driver.get(base + "/org/guarded/requests")
    check("The nightly export to the warehouse" in driver.page_source, "the admin sees the request and its reason")
    shoot_page("org-requests")
    field("Note").send_keys("Until the migration ends")
    submit("Approve")
    arrived("/org/guarded/requests?decided=approved", "the request is approved")
    check("approved" in driver.find_element(By.CSS_SELECTOR, "table.requests").text, "the list shows it approved")
    shoot_page("org-requests-approved")
    submit("Sign out")

    sign_in("mia", PASSWORD, mia_codes[0])
    arrived("/account/keys", "mia is back")
    check("Until the migration ends" in driver.page_source, "the admin's note reaches the member")
    submit("Collect key")
    collected = driver.find_element(By.ID, "new-key").text.strip()
    check(collected.startswith("ct_live_") and len(collected) == 57, "the collected key is shown once")
    shoot_page("key-collected")
    check(api_status(collected, "/api/keys/current/") == 200, "the collected key works")
    driver.get(base + "/account/keys")
    check(collected not in driver.page_source, "the collected key is not shown again")
    check(not driver.find_elements(By.XPATH, "//button[normalize-space()='Collect key']"), "a request is collected once")
    check("collected" in driver.find_element(By.CSS_SELECTOR, "table.requests").text, "the request reads collected")
    # Passkeys (SPEC §10) with Chromium's virtual authenticator: CTAP2, internal transport,
    # resident keys, user verification. WebAuthn needs a domain as RP ID, so this part of the
    # test uses the loopback origin by name (`localhost`), which signs in afresh.
    local = base.replace("127.0.0.1", "localhost")
    authenticator = VirtualAuthenticatorOptions()
    authenticator.protocol = VirtualAuthenticatorOptions.Protocol.CTAP2
    authenticator.transport = VirtualAuthenticatorOptions.Transport.INTERNAL
    authenticator.has_resident_key = True
    authenticator.has_user_verification = True
    authenticator.is_user_verified = True
    authenticator.is_user_consenting = True
    driver.add_virtual_authenticator(authenticator)
    driver.get(local + "/account/login")
    field("Username").send_keys("ada")
    field("Password").send_keys(NEW_PASSWORD)
    submit("Sign in")
    arrived("/account/mfa", "localhost: MFA follows the password")
    # Each TOTP step is accepted once: wait for the step after the last code's (now + 1).
    last_step = int(time.time() // 30) + 1
    while time.time() // 30 < last_step:
        time.sleep(0.5)
    field("Code").send_keys(totp(secret, 1))
    submit("Verify")
    arrived("/account/keys", "localhost: a code verifies")
    driver.get(local + "/account/security")
    check("No passkeys yet" in driver.page_source, "no passkey at first")
    field("Name").send_keys("Test laptop")
    submit("Add passkey")
    arrived("/account/security?added=1", "the passkey is added")
    check(len(driver.get_credentials()) == 1 and driver.get_credentials()[0].is_resident_credential, "one resident credential")
    check("Test laptop" in driver.find_element(By.ID, "passkeys").text, "the security page lists the passkey")
    shoot("security")
    check(not [e for e in console_errors() if "passkeys.js" not in e], "the security page logs no error")

    submit("Sign out")
    arrived("/account/login", "signed out before the passkey sign-in")
    submit("Sign in with a passkey")
    arrived("/account/keys", "a passkey alone signs in")
    check(driver.find_elements(By.XPATH, "//footer[contains(., 'ada')]"), "signed in as ada")

    submit("Sign out")
    field("Username").send_keys("ada")
    field("Password").send_keys(NEW_PASSWORD)
    submit("Sign in")
    arrived("/account/mfa", "the password asks for a second factor")
    shoot("mfa-passkey")
    submit("Use a passkey")
    arrived("/account/keys", "a passkey is the second factor")
    driver.get(local + "/account/security")
    check("never" not in driver.find_element(By.ID, "passkeys").text, "the passkey's last use is shown")
    driver.find_element(By.LINK_TEXT, "Remove").click()
    arrived("/remove", "Remove asks first")
    check("Test laptop" in driver.page_source, "the passkey to remove is named")
    submit("Remove")
    arrived("/account/security?removed=1", "the passkey is removed")
    check("No passkeys yet" in driver.page_source, "no passkey is left")
    shoot("security-empty")
    driver.get(local + "/account/security")
    csp = driver.execute_script("return document.querySelector('script[src]') !== null")
    check(csp, "the security page loads its one script from a file")
    print("browser test: passed; screenshots in", shots)
finally:
    driver.quit()
