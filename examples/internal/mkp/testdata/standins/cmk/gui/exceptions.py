"""Stand-in for cmk.gui.exceptions."""


class MKUserError(Exception):
    def __init__(self, varname, message):
        super().__init__(varname, message)
        self.varname = varname
        self.message = message
