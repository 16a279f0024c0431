// The raw socket client every test file here uses.
@_exported import TestSupport
