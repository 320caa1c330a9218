"""``million-miles lsp``: a language server that knows the story, for any editor.

A layer above :mod:`adventure.analysis`, beside :mod:`adventure.ui`: the handlers run the
same loader, checker and explorer as ``million-miles check`` on the editor's buffers.
:mod:`~adventure.lsp.index` finds every id where it is defined and used,
:mod:`~adventure.lsp.workspace` holds the open buffers over the folder's files,
:mod:`~adventure.lsp.features` answers the requests, :mod:`~adventure.lsp.server`
wires them to pygls.
"""
