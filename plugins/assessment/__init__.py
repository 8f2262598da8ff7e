"""Assessment: the yearly pairing planner and the scoring rules (SEEDS 000, 001, 002, 004).

Pure logic for now: :mod:`.planner` pairs agencies, branches, departments and leaders with
areas and members with buildings, explaining every link; :mod:`.scoring` turns ratings,
work records and duty check-ins into each member's and unit's yearly sheet. The plugin
shell (hooks, tables, CLI) is built on top of these modules and is not registered yet.
"""
