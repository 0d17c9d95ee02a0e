"""Reading Drive's pages: the confirm form or link, quota and sign-in answers."""

from __future__ import annotations

from coldstart.download.drive import confirm_url, refusal
from download.fakedrive import QUOTA_PAGE, SIGNIN_PAGE, confirm_page


def test_confirm_form_leads_to_the_download_with_its_hidden_inputs() -> None:
    html = confirm_page("XYZ", "http://127.0.0.1:9/download")
    assert confirm_url("http://127.0.0.1:9/download?id=XYZ", html) == (
        "http://127.0.0.1:9/download?id=XYZ&export=download&confirm=t&uuid=0b1e2c3d"
    )


def test_older_confirm_link_is_followed_relative_to_the_page() -> None:
    html = (
        '<html><a id="uc-download-link" href="/uc?export=download&amp;confirm=AbC&amp;id=Q">x</a>'
    )
    assert confirm_url("http://127.0.0.1:9/uc?id=Q", html) == (
        "http://127.0.0.1:9/uc?export=download&confirm=AbC&id=Q"
    )


def test_pages_without_a_way_on_are_refusals_with_one_line_messages() -> None:
    assert confirm_url("http://h/x", QUOTA_PAGE) is None
    quota = str(refusal("quantiles/R1.zip", "http://h/download", QUOTA_PAGE))
    assert quota.startswith("quantiles/R1.zip: Google Drive says the download quota")
    assert "retry later" in quota and "by hand" in quota
    signin = str(refusal("cold_start/R1.zip", "http://h/ServiceLogin", SIGNIN_PAGE))
    assert signin.startswith("cold_start/R1.zip: Google Drive asks to sign in")
    other = str(refusal("x.zip", "http://h/", "<html><title>Oops</title>broken</html>"))
    assert other == (
        "x.zip: the server sent an HTML page ('Oops') instead of the file; retry later (the "
        "quota resets within a day) or fetch it by hand in a browser"
    )
    assert all("\n" not in m for m in (quota, signin, other))
