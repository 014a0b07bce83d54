"""The console in headless Chromium (SPEC §10), driven as a person would: labels and buttons as
the SPEC names them. Usage: browser_test.py BASE_URL OTHER_KEY SCREENSHOT_DIR"""
import base64, hashlib, hmac, json, shutil, struct, sys, time, urllib.error, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base, other_key, shots = sys.argv[1], sys.argv[2], sys.argv[3]
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
    shoot("mfa-enrol")
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
    print("browser test: passed; screenshots in", shots)
finally:
    driver.quit()
