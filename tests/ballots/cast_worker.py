"""A second process that casts one ballot: used to race two casts with one credential."""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

connection.settings_dict["NAME"] = os.environ["GROUNDSWELL_DB_NAME"]

from groundswell.ballots import services  # noqa: E402

credential, go_file = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 30
while not os.path.exists(go_file) and time.monotonic() < deadline:
    time.sleep(0.001)
try:
    services.ballot_cast(credential=credential, ranking=[0])
    print("cast")
except services.AlreadyVoted:
    print("already")
