/// The version of ordersync, in one place: `ordersync --version`, `/healthz`, `/version` and the
/// OpenAPI document's `info.version` (kept equal by VersionTests) all say this.
package enum ProductVersion {
    package static let current = "1.0.0"
}
