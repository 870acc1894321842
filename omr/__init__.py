"""The OMR core: pure functions over numpy arrays (no I/O, no pandas, no reportlab).

Find the registration marks, register the page, read the page QR, measure
every checkbox at once and classify with a calibrated confidence.
"""
