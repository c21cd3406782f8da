"""The fault suite: whole cases driven through a real dev server, a real worker process
and local endpoints while processes are SIGKILLed, endpoints misbehave and hostile
payloads arrive. Not in CI: it takes minutes. Run it with `scripts/faults`.

    stack.py      the system under test, one of its own per scenario
    endpoints.py  the cabinet and the military body, switchable between behaviours
    cases.py      the driver of the cases and the census afterwards
    kills.py      worker and server SIGKILLs
    outages.py    endpoints that fail, hang, trickle or are down, then recover
    jamming.py    signals with no, two, wrong or huge payloads
"""
