/// Words the generator draws from. Some names carry accents or an apostrophe (JSON escaping and UTF-8
/// matter); emails use their ASCII spelling.
enum Vocabulary {
    /// (display name, ASCII spelling for emails)
    static let firstNames: [(String, String)] = [
        ("Ana", "ana"), ("Mia", "mia"), ("Liam", "liam"), ("Noah", "noah"), ("Emma", "emma"), ("Olivia", "olivia"),
        ("Lucas", "lucas"), ("Sofía", "sofia"), ("Mateo", "mateo"), ("Chloé", "chloe"), ("Jonas", "jonas"),
        ("Aisha", "aisha"), ("Ravi", "ravi"), ("Priya", "priya"), ("Kenji", "kenji"), ("Yuki", "yuki"),
        ("Zoë", "zoe"), ("Björn", "bjorn"), ("Léa", "lea"), ("Omar", "omar"), ("Fatima", "fatima"), ("Ivan", "ivan"),
        ("Elena", "elena"), ("Marco", "marco"), ("Giulia", "giulia"), ("Sean", "sean"), ("Niamh", "niamh"),
        ("Hannah", "hannah"), ("David", "david"), ("Sara", "sara"), ("Tomás", "tomas"), ("Inés", "ines"),
    ]

    static let lastNames: [(String, String)] = [
        ("Ruiz", "ruiz"), ("Lee", "lee"), ("Smith", "smith"), ("Müller", "muller"), ("García", "garcia"),
        ("O'Brien", "obrien"), ("Nguyen", "nguyen"), ("Kowalski", "kowalski"), ("Rossi", "rossi"),
        ("Dubois", "dubois"), ("Tanaka", "tanaka"), ("Patel", "patel"), ("Silva", "silva"), ("Novak", "novak"),
        ("Jensen", "jensen"), ("Haddad", "haddad"), ("Ivanova", "ivanova"), ("Costa", "costa"),
        ("Fernández", "fernandez"), ("Schmidt", "schmidt"), ("Kim", "kim"), ("Okafor", "okafor"),
        ("Martin", "martin"), ("Byrne", "byrne"), ("Lindqvist", "lindqvist"), ("Moreau", "moreau"),
        ("Sato", "sato"), ("Khan", "khan"), ("Walsh", "walsh"), ("Peña", "pena"),
    ]

    static let nicknames = ["Annie", "Bea", "Chris", "Dani", "Eddie", "Frankie", "Gabi", "Jo", "Max", "Sam"]

    static let companies = [
        "Acme SL", "Globex GmbH", "Initech Ltd", "Umbrella SA", "Stark & Sons", "Wayne Trading",
        "Soylent Foods", "Hooli Inc.", "Vandelay Industries", "Pied Piper", "Tyrell Corp", "Cyberdyne Systems",
        "Wonka Confectionery", "Oceanic Airlines", "Duff Brewing", "Los Pollos Hermanos", "Nakatomi Trading",
        "Dunder Mifflin", "Prestige Worldwide", "Bluth Company",
    ]

    static let domains = ["example.org", "example.com", "example.net", "mail.example", "shop.example"]

    static let titles = ["Buyer", "Owner", "Purchasing Manager", "CEO", "Office Manager", "Head of Operations"]

    static let cities = ["Madrid", "Berlin", "Dublin", "Lyon", "Osaka", "Pune", "Boston", "Lisbon", "Milan"]

    /// Valid numbers, in the formats people really type.
    static let validPhones = [
        "+34 600 123 456", "+1 (415) 555-0123", "+44 20 7946 0958", "+49 30 901820", "+33 6 12 34 56 78",
        "+91 98765 43210", "0612345678", "+1-212-555-0199",
    ]

    /// Numbers no phone parser accepts.
    static let invalidPhones = ["12", "n/a", "+34 6OO 000 000", "555-CALL-NOW", "", "+++", "0000"]

    /// (title, price in cents, SKU)
    static let products: [(String, Int, String)] = [
        ("Mug", 1_995, "MUG-01"), ("T-Shirt", 2_490, "TSH-02"), ("Notebook", 890, "NTB-03"),
        ("Backpack", 5_990, "BKP-04"), ("Water Bottle", 1_450, "BTL-05"), ("Sticker Pack", 399, "STK-06"),
        ("Hoodie", 4_990, "HOD-07"), ("Cap", 1_790, "CAP-08"), ("Poster \"Limited\"", 1_200, "PST-09"),
        ("Café Blend 1kg", 2_350, "CAF-10"),
    ]

    static let cancelReasons = ["customer", "fraud", "inventory", "declined", "other"]

    static let owners: [(String, String)] = [
        ("Sales Rep", "rep@example.org"), ("Lucía Gómez", "lucia.gomez@example.org"),
        ("Tom Baker", "tom.baker@example.org"),
    ]
}
