"""Password hashing: argon2id at the OWASP Password Storage Cheat Sheet's recommendation.

Django's own Argon2 hasher uses 100 MiB and 8 lanes, which took 1-3 s a sign-in on a two-core
server when a class of teachers signed in at once, and held every other request up behind it.
OWASP recommends argon2id with 19 MiB of memory, 2 iterations and 1 degree of parallelism
(https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html), which
takes tens of milliseconds of one core.

The algorithm's name stays "argon2", so hashes made with other parameters are still checked,
and `must_update` (which compares the stored parameters with these) makes Django hash the
password again with these parameters at the person's next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

OWASP_MEMORY_KIB = 19 * 1024
OWASP_ITERATIONS = 2
OWASP_LANES = 1


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """argon2id, 19 MiB, 2 iterations, 1 lane."""

    time_cost = OWASP_ITERATIONS
    memory_cost = OWASP_MEMORY_KIB
    parallelism = OWASP_LANES
