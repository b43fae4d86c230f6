"""``nclplan verify``: measured spectra against the fingerprints a plan expects.

The package is imported only by the ``verify`` command: it needs numpy, scipy, matplotlib,
jcamp and pymzml, none of which ``route`` may pay for at start-up. Modules:

- ``spectra``: reading UV-vis/emission and mass spectra files into arrays;
- ``optical``: peaks and shoulders of a UV-vis spectrum, emission maxima, band matching;
- ``ms``: the ions a composition gives, centroiding, matching and isotope envelopes;
- ``expect``: what a route leads one to expect (fingerprints, formula, neighbours);
- ``judge``: the verdict, in words and as data;
- ``plot`` and ``report``: figures and the documents (table, JSON, Markdown, HTML, PDF).
"""
