"""CA certificates of units: one-time login challenges, verification of a certificate driver's
signature, the X.509 chain, validity, key usage and revocation (`verification.py`), the demo
hierarchy (`issuing.py`) and the development certificate driver (`agent.py`, `manage.py ca_agent`).

It sits beside `accounts`, below every app that holds units or users: it knows certificates,
not who they belong to. `entry` matches a verified certificate's 统一社会信用代码 to a unit.
"""
