import OrderCore

/// Zoho contacts and generic users. The quirks are placed by position, so their counts are exact:
/// - every 25th contact (index ≡ 24 mod 25) re-enters the previous contact's person: the same email
///   (sometimes cased differently) with other first names, company, phone and Modified_Time; index
///   200, 400, … does it again, making groups of three;
/// - index ≡ 7 mod 40 has no email, ≡ 13 mod 50 no first name, ≡ 2 mod 5 no account;
/// - phones: index ≡ 3 mod 10 invalid, ≡ 5 mod 10 missing, otherwise valid;
/// - emails of index ≡ 0 mod 6 are capitalized (`Ana.Ruiz.17@Example.org`);
/// - white space around values (`HostileWhiteSpace`): the email at index ≡ 9 mod 30, the name
///   (before First_Name, after Last_Name) at ≡ 11 mod 30, the phone at ≡ 19 mod 30; users with an
///   id ≡ 1 mod 7 that reuse a contact's email pad it, and their first name.
extension DataSet {
    /// Appends contact number `contacts.count`, created at `created`. `fresh` ones (from a mutation)
    /// are modified when created; generated ones some time later.
    mutating func appendContact(created: Int64, fresh: Bool) {
        let index = contacts.count
        let previousID = contacts.last?.id ?? DataSet.contactIDBase
        let id = max(previousID, DataSet.contactIDBase + Int64(index) * 1_000) + Int64(random.int(1...999))
        var contact: FakeContact
        if index > 0, index % 25 == 24 || index % 200 == 0, let original = contacts.last, original.email != nil {
            contact = duplicate(of: original, index: index, id: id, created: created)
        } else {
            contact = newPerson(index: index, id: id, created: created)
        }
        if fresh { contact.modifiedTime = created }
        contacts.append(contact)
    }

    private mutating func newPerson(index: Int, id: Int64, created: Int64) -> FakeContact {
        people += 1
        let first = random.pick(Vocabulary.firstNames)
        let last = random.pick(Vocabulary.lastNames)
        let key = "\(first.1).\(last.1).\(people)@\(random.pick(Vocabulary.domains))"
        let owner = random.below(Vocabulary.owners.count)
        let company = random.below(Vocabulary.companies.count)
        return FakeContact(
            id: id,
            firstName: index % 50 == 13 ? nil : (index % 30 == 11 ? "\t\u{3000}" + first.0 : first.0),
            lastName: index % 30 == 11 ? HostileWhiteSpace.padEnd(last.0, variant: index / 30 + 2) : last.0,
            email: index % 40 == 7
                ? nil
                : index % 30 == 9
                    ? HostileWhiteSpace.pad(key, variant: index / 30)
                    : (index % 6 == 0 ? DataSet.capitalized(key) : key),
            phone: index % 30 == 19
                ? phone(index: index).map { HostileWhiteSpace.pad($0, variant: index / 30 + 1) } : phone(index: index),
            account: index % 5 == 2
                ? nil
                : FakeContact.Lookup(
                    name: Vocabulary.companies[company], id: DataSet.accountIDBase + Int64(company) * 1_000 + 1),
            owner: FakeContact.Lookup(name: Vocabulary.owners[owner].0, id: DataSet.ownerIDBase + Int64(owner) + 1),
            title: random.chance(70) ? random.pick(Vocabulary.titles) : nil,
            mailingCity: random.chance(80) ? random.pick(Vocabulary.cities) : nil,
            createdTime: created,
            modifiedTime: created + Int64(random.int(86_400...50 * 86_400)))
    }

    /// The same person entered again: same email key, other details, a different Modified_Time (older
    /// than the original's for index ≡ 24 mod 50 when there is room, newer otherwise).
    private mutating func duplicate(of original: FakeContact, index: Int, id: Int64, created: Int64) -> FakeContact {
        let key = ContactField.emailKey(original.email) ?? ""
        var contact = original
        contact.id = id
        contact.firstName = random.pick(Vocabulary.nicknames)
        if index % 2 == 1 { contact.lastName = random.pick(Vocabulary.lastNames).0 }
        contact.email = index % 50 == 49 ? key.uppercased() : (index % 200 == 0 ? DataSet.capitalized(key) : key)
        let company = (Vocabulary.companies.firstIndex(of: original.account?.name ?? "") ?? 0) + 1 + random.below(5)
        let wrapped = company % Vocabulary.companies.count
        contact.account = FakeContact.Lookup(
            name: Vocabulary.companies[wrapped], id: DataSet.accountIDBase + Int64(wrapped) * 1_000 + 1)
        contact.phone = original.phone == nil ? random.pick(Vocabulary.validPhones) : phone(index: index + 1)
        contact.title = random.pick(Vocabulary.titles)
        contact.createdTime = created
        let room = original.modifiedTime - 3_600 - created
        if index % 50 == 24 && room > 0 {
            contact.modifiedTime = created + Int64(random.below(Int(room)))
        } else {
            contact.modifiedTime = max(created, original.modifiedTime) + Int64(random.int(3_600...5 * 86_400))
        }
        return contact
    }

    private mutating func phone(index: Int) -> String? {
        switch index % 10 {
        case 3: random.pick(Vocabulary.invalidPhones)
        case 5: nil
        default: random.pick(Vocabulary.validPhones)
        }
    }

    /// Neighbouring contacts at index ≡ 1, 2 mod 32 (neither one a duplicate) share their Modified_Time
    /// with the one before, so `If-Modified-Since` at exactly that time must return all of them.
    mutating func tieContactModifiedTimes() {
        for index in contacts.indices where index % 32 == 1 || index % 32 == 2 {
            guard !isDuplicate(index), !isDuplicate(index - 1), !isDuplicate(index + 1) else { continue }
            let shared = max(contacts[index - 1].modifiedTime, contacts[index].createdTime)
            contacts[index - 1].modifiedTime = shared
            contacts[index].modifiedTime = shared
        }
    }

    /// Whether the contact at `index` was generated as a duplicate of the one before.
    func isDuplicate(_ index: Int) -> Bool {
        index > 0 && index < contacts.count && (index % 25 == 24 || index % 200 == 0)
            && ContactField.emailKey(contacts[index].email) == ContactField.emailKey(contacts[index - 1].email)
    }

    /// User `id` of the generic source: ids not divisible by 3 reuse a contact's email (upper-cased when
    /// the id is divisible by 5), the others are people of their own.
    mutating func makeUser(id: Int, pool: [FakeContact]) -> FakeUser {
        if id % 3 != 0, !pool.isEmpty {
            let contact = pool[(id * 7_919) % pool.count]
            let key = ContactField.emailKey(contact.email) ?? ""
            let email = id % 5 == 0 ? key.uppercased() : key
            let firstName = contact.firstName ?? random.pick(Vocabulary.nicknames)
            let padded = id % 7 == 1
            return FakeUser(
                id: id, email: padded ? HostileWhiteSpace.pad(email, variant: id / 7) : email,
                firstName: padded ? HostileWhiteSpace.pad(firstName, variant: id / 7 + 3) : firstName,
                lastName: contact.lastName)
        }
        let first = random.pick(Vocabulary.firstNames)
        let last = random.pick(Vocabulary.lastNames)
        return FakeUser(
            id: id, email: "\(first.1).\(last.1).u\(id)@reqres.example", firstName: first.0, lastName: last.0)
    }
}
