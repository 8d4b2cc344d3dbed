"""The HTTP side: one URL table (routes.py) of plain handlers over the domain core, with request
parsing (requests.py), responses (responses.py), errors (errors.py) and the write and search
gates (gates.py) each in one module; api/, pages/ and curl.py hold the surfaces' handlers."""
