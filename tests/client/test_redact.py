"""Credentials out of any URL: user info, query, path parameters, RTSP."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.se5.client.redact import REDACTED, redact_url

R = REDACTED


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("rtsp://admin:s3cret@192.168.1.102:554/ch1", f"rtsp://{R}@192.168.1.102:554/ch1"),
        ("rtsp://admin:p@ss#1@10.0.0.5/live", f"rtsp://{R}@10.0.0.5/live"),
        ("rtsp://admin:a/b?c@10.0.0.5/live", f"rtsp://{R}@10.0.0.5/live"),
        ("rtsp://admin@10.0.0.5/live", f"rtsp://{R}@10.0.0.5/live"),
        (
            "http://cam/cgi?user=admin&password=s3cret&channel=1",
            f"http://cam/cgi?user={R}&password={R}&channel=1",
        ),
        (
            "rtsp://192.168.1.10:554/user=admin&password=tlJw&channel=1&stream=0.sdp?",
            f"rtsp://192.168.1.10:554/user={R}&password={R}&channel=1&stream=0.sdp?",
        ),
        ("rtsp://h/user=admin_password=tlJw_channel=1", f"rtsp://h/user={R}"),
        (
            "http://h/s?token=ab/cd+ef==&x=1#access_key=zz",
            f"http://h/s?token={R}&x=1#access_key={R}",
        ),
        (
            "http://h/?API_KEY=k;pwd=p;pass=q;Auth=a",
            f"http://h/?API_KEY={R};pwd={R};pass={R};Auth={R}",
        ),
        ("http://h/?sig=1&session_id=2&login=3", f"http://h/?sig={R}&session_id={R}&login={R}"),
        ("http://h/?password=&channel=2", "http://h/?password=&channel=2"),
        ("rtsp://10.0.0.2:554/ch2?subtype=0", "rtsp://10.0.0.2:554/ch2?subtype=0"),
        ("192.168.1.100", "192.168.1.100"),
        ("admin:pw@10.0.0.1", f"{R}@10.0.0.1"),
        ("", ""),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@given(
    st.sampled_from(["rtsp://", "http://", ""]),
    st.text(alphabet="abc:@/?#", max_size=10),
    st.sampled_from(["password", "token", "user", "key", "pass"]),
    st.text(alphabet="xyz0123456789+/=:@!", min_size=1, max_size=20),
)
def test_secret_never_survives(scheme: str, noise: str, name: str, secret: str) -> None:
    """Whatever surrounds them, a user:secret@ and a name=secret lose the secret."""
    secret = "Q" + secret
    for url in (
        f"{scheme}u:{secret}@host/{noise}",
        f"{scheme}host/{noise}?{name}={secret}",
        f"{scheme}host/p&{name}={secret}&c=1",
    ):
        assert secret not in redact_url(url)
