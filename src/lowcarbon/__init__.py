"""lowcarbon: quantify, report, certify, publish and exchange the carbon footprints of products."""

__version__ = "0.1.0"
