/// A PostgreSQL array literal of text (`{"a","b",NULL}`), for passing a whole group of values as one
/// bound parameter (https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO): every element quoted,
/// backslashes and quotes escaped, NULL unquoted.
enum PGArray {
    static func text(_ values: [String?]) -> String {
        var out = "{"
        out.reserveCapacity(values.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            for scalar in value.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }
}
