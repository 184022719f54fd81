"""The API's shared documentation pieces: the `{code, detail}` error every app's endpoints answer.

A plain package, not an app: accounts and shopping both document their errors with it, and
neither may import the other's API modules for that (accounts must not import shopping).
"""
