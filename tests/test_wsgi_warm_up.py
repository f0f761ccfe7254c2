"""What gunicorn's master loads before it forks, so that no worker pays for it on its first
requests. A fresh interpreter: in the test process, earlier tests may have loaded it all."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
from django.utils.functional import empty
import config.wsgi
from django.core.validators import EmailValidator
from django.urls import get_resolver
print(EmailValidator.user_regex._wrapped is not empty,
      EmailValidator.domain_regex._wrapped is not empty,
      "url_patterns" in get_resolver().__dict__)
"""


def test_importing_the_wsgi_module_loads_what_first_requests_would() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True", "True"]
