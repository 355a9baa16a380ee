"""Stand-in for cmk.gui.watolib.password_store."""

ENTRIES = [("ilert_prod", "iLert production"), ("alertops_ops", "AlertOps operations")]


def passwordstore_choices():
    return list(ENTRIES)
