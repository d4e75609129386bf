"""Every page of every role, at a phone, a small laptop and a desktop, in Chinese and English: nothing
wider than the window, no control squeezed narrower than its text, no English page with Chinese in
its own words (headings, labels, buttons, menus; customer data, marked translate="no", may be), and no
serious or critical axe-core violation (WCAG 2.1 A/AA: contrast, names, labels) on every page in Chinese at the
desktop width, and on the home page in both languages on the phone and the desktop.

One test over the demo network (`seed_demo`): it reports every finding at once."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import User
from core.navigation import home_url, nav_for
from core.scoping import visible_outlets
from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = ARTIFACTS / "screens"  # each role's home and first page, every width and language
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "Service#2026"  # noqa: S105 (seed_demo's)
ROLES = ["frontdesk", "hotline", "dispatcher", "engineer", "supervisor", "admin"]
WIDTHS = [(390, 844), (1024, 768), (1366, 900)]

# Layout and language findings on the page as a person sees it.
FINDINGS = """() => {
  const out = [];
  const doc = document.documentElement;
  const over = doc.scrollWidth - window.innerWidth;
  if (over > 0) out.push(`page ${over}px wider than the window`);
  // Squeezed: a text in a control, label or cell that breaks into three or more lines of under four
  // characters ("上海/徐汇/网点"), measured on each text's own line boxes.
  const squeezed = (el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.replace(/\\s/g, '');
      if (text.length < 3) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const n = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
      if (n >= 3 && text.length / n < 4) return `"${text.slice(0, 20)}" in ${n} lines`;
    }
    return null;
  };
  for (const el of document.querySelectorAll('label, .btn, .nav-link, th, td, .badge')) {
    const found = squeezed(el);
    if (found) out.push(`squeezed ${el.tagName} ${found}`);
  }
  if (document.documentElement.lang === 'en') {
    // The product's own words: menus, headings, table heads, field labels and help, buttons.
    const own = '[data-testid=main-nav], h1, h2, h3, th, .form-label, legend, .form-text, button, .btn';
    for (const el of document.querySelectorAll(own)) {
      if (el.closest('[data-testid=language-switch]')) continue;  // each language by its own name
      // Customer data (names, products, faults) is marked translate="no" and may be Chinese.
      let text = el.innerText || '';
      for (const data of el.querySelectorAll('[translate=no]')) text = text.replace(data.innerText, '');
      if (/[\\u4e00-\\u9fff]/.test(text)) out.push(`Chinese in English: ${el.tagName} "${text.slice(0, 40)}"`);
    }
  }
  return [...new Set(out)].slice(0, 10);
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                          resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => {
      const c = (n.any[0] || {}).data || {};
      return n.target.join(' ') + (c.contrastRatio ? ` (${c.fgColor} on ${c.bgColor} ${c.contrastRatio})` : '');
    }).join(' | ')}`);
}"""


@pytest.fixture
def demo(migration_data):
    call_command("seed_demo", verbosity=0)


def pages_of(user) -> list[str]:
    """The role's home, every page of its menus, and the pages it works in: the latest of each kind of
    record in its outlets."""
    from complaints.models import ComplaintCase
    from dispatch.models import Appointment
    from followups.models import Callback
    from settlement.models import WarrantyClaim
    from workorders.models import WorkOrder

    outlets = visible_outlets(user)
    details = {
        "work-order-detail": ("workorders.view_workorder", WorkOrder.objects.filter(outlet__in=outlets)),
        "complaint-detail": ("complaints.add_complaintcase", ComplaintCase.objects.filter(outlet__in=outlets)),
        "callback-detail": ("followups.change_callback", Callback.objects.filter(outlet__in=outlets, status="queued")),
        "appointment-detail": ("dispatch.dispatch_appointment", Appointment.objects.filter(outlet__in=outlets)),
        "dispatch-assign": (
            "dispatch.dispatch_appointment",
            WorkOrder.objects.filter(outlet__in=outlets, status="awaiting_dispatch"),
        ),
        "job-detail": ("dispatch.visit_appointment", Appointment.objects.filter(engineer=user)),
        "claim-detail": ("settlement.view_warrantyclaim", WarrantyClaim.objects.filter(outlet__in=outlets)),
    }
    pages = [home_url(user), *(reverse(item.url_name) for item in nav_for(user))]
    for url_name, (perm, records) in details.items():
        latest = records.order_by("-pk").first()
        if user.has_perm(perm) and latest is not None:
            pages.append(reverse(url_name, args=[latest.pk]))
    return pages


def test_every_page_of_every_role_fits_reads_and_passes_axe(demo, live_server, browser):
    findings: dict[str, list[str]] = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        paths = pages_of(user)
        signed_in = None  # one log-in a role: every context after the first starts with its cookies
        for language in ("zh-hans", "en"):
            User.objects.filter(pk=user.pk).update(language=language)  # read on every request: it wins
            for width, height in WIDTHS:
                # bypass_csp: axe is injected as a script of the test's own, which the page's CSP refuses.
                context = browser.new_context(
                    viewport={"width": width, "height": height}, bypass_csp=True, storage_state=signed_in
                )
                page = context.new_page()
                page.set_default_timeout(15_000)
                if signed_in is None:
                    log_in(page, live_server.url, username, DEMO_PASSWORD)
                    signed_in = context.storage_state()
                for index, path in enumerate(paths):
                    response = page.goto(live_server.url + path)
                    page.wait_for_load_state("load")
                    found = [] if response.ok else [f"HTTP {response.status}"]
                    if "/accounts/login/" in page.url:  # the cookies of the first context did not sign it in
                        found.append("signed out")
                    found += page.evaluate(FINDINGS)
                    name = f"{username}-{language}-{width}-{path.strip('/').replace('/', '_')}.png"
                    if index < 2:  # the role's home and its first page, kept for people to look at
                        SCREENS.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=str(SCREENS / name), full_page=True)
                    # axe-core on every page in Chinese at the desktop width, and on the home page in both
                    # languages on the phone (the folded top bar) and the desktop (each page's lang): the rest
                    # is the same markup and colours in the other words; axe takes a third of a second a page.
                    if (width == 1366 and (language == "zh-hans" or index == 0)) or (width == 390 and index == 0):
                        page.add_script_tag(path=str(AXE))
                        found += page.evaluate(AXE_RUN)
                    if found:
                        key = f"{username} {language} {width} {path}"
                        findings[key] = found
                        ARTIFACTS.mkdir(exist_ok=True)
                        page.screenshot(path=str(ARTIFACTS / f"sweep-{name}"), full_page=True)
                context.close()
    assert not findings, "\n".join(f"{key}: {'; '.join(found)}" for key, found in findings.items())
