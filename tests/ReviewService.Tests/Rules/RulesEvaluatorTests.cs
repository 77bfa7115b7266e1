using ReviewService.Decisions;
using ReviewService.Policies;
using ReviewService.Rules;

namespace ReviewService.Tests.Rules;

/// <summary>The rules stage driven by the shipped policy files.</summary>
public sealed class RulesEvaluatorTests
{
    static readonly Policy ContractReview = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

    static async Task<CheckFinding> GoverningLawAsync(string text) =>
        (await RulesEvaluator.EvaluateAsync(ContractReview, text)).Single(f => f.Check == "governing-law");

    [Fact]
    public async Task GoverningLawIsPresentWithTheJurisdictionAndItsSentenceAsEvidence()
    {
        var text = Fixtures.Text("contract.txt");

        var law = await GoverningLawAsync(text);

        Assert.Equal(Outcome.Present, law.Outcome);
        Assert.Equal(DecidedBy.Rules, law.DecidedBy);
        Assert.Equal(Fixtures.GoverningLawState, law.Value);
        Assert.InRange(law.Confidence, 0.5, 1);
        Assert.Contains(law.Evidence, e => e.Text.Contains(Fixtures.GoverningLawState, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TextWithoutLegalLanguageIsDecidedAbsentWhereRulesCanSaySo()
    {
        var findings = await RulesEvaluator.EvaluateAsync(ContractReview, "Minutes of the picnic committee. We will bring sandwiches and lemonade.");

        Assert.Equal(Outcome.Absent, findings.Single(f => f.Check == "governing-law").Outcome);
        Assert.All(findings.Where(f => f.Outcome == Outcome.Absent), f => Assert.Empty(f.Evidence));
    }

    [Theory]
    [InlineData("This Agreement shall be governed by and construed in accordance with the laws of the State of New York.", "New York")]
    [InlineData("This Agreement is governed by the laws of the Commonwealth of Massachusetts, without regard to conflicts of law.", "Massachusetts")]
    [InlineData("This Agreement shall be interpreted in accordance with the laws of the Province of Ontario and the federal laws of Canada applicable therein.", "Ontario, Canada")]
    [InlineData("This Agreement shall be governed by the internal laws, and not by the laws regarding conflicts of laws, of the State of North Carolina.", "North Carolina")]
    [InlineData("This Agreement shall be governed by the laws of the United States of America and of the State of Texas.", "Texas")]
    [InlineData("This agreement and any dispute arising out of it shall be governed by and construed in accordance with English law.", "England")]
    [InlineData("The laws of the State of Florida shall govern this Agreement, without reference to conflicts of law provisions.", "Florida")]
    [InlineData("This Agreement has been made in the State of California and shall be governed by and construed in accordance with the laws thereof.", "California")]
    [InlineData("This Agreement shall be governed by the laws of the Hong Kong Special Administrative Region.", "Hong Kong")]
    [InlineData("This Contract shall be governed by the laws of the Republic of the Philippines.", "Philippines")]
    [InlineData("This Agreement shall be governed by and construed in accordance with the laws of the Grand Duchy of Luxembourg.", "Luxembourg")]
    [InlineData("This Agreement shall be deemed to have been made in, and shall be construed pursuant to the laws of, the State of Tennessee.", "Tennessee")]
    [InlineData("New York law shall govern this Agreement.", "New York")]
    [InlineData("XYZ GmbH, a company incorporated in and governed by the laws of Germany, and ABC Inc. agree as follows. This Agreement shall be governed by the laws of the State of New York.", "New York")]
    [InlineData("Distributor shall comply with all laws governing the sale of the Products, including the laws of the Province of Alberta. This Agreement shall be governed by the laws of the State of Washington.", "Washington")]
    [InlineData("This Agreement shall be governed by the laws of the People’s Republic of China.", "People's Republic of China")]
    [InlineData("The execution and performance of this Agreement shall be governed by the laws of China.", "People's Republic of China")]
    [InlineData("This Agreement shall be governed by the laws of New York State.", "New York")]
    // Wordings of the fallback detector (governing_law_named_otherwise), read only when no stronger wording names a law.
    [InlineData("This Agreement shall be governed by the laws and regulations of the PRC.", "People's Republic of China")]
    [InlineData("The laws of the State of New York shall be the governing law of this Agreement.", "New York")]
    [InlineData("This Agreement shall be governed by the laws of the United States of America.", "United States")]
    [InlineData("Governing Law: State of Delaware", "Delaware")]
    [InlineData("This Agreement shall be governed by Taiwanese law.", "Taiwan")]
    [InlineData("This agreement shall be governed by the laws of the state of michigan.", "Michigan")]
    [InlineData("This Agreement shall be governed by the Uniform Commercial Code as in effect in the State of Illinois.", "Illinois")]
    [InlineData("The parties submit to the law and jurisdiction of the State of Florida.", "Florida")]
    [InlineData("In the event of any dispute, the laws of the State of Georgia shall prevail.", "Georgia")]
    [InlineData("The applicable law is the law of England and Wales.", "England")]
    [InlineData("Applicable Law: the laws of the State of Delaware.", "Delaware")]
    // In capitals a name's end is not marked by case: the value ends before the first word that is no part of a name.
    [InlineData("THIS AGREEMENT SHALL BE GOVERNED BY THE LAWS OF THE STATE OF TEXAS THAT APPLY TO CONTRACTS MADE THEREIN.", "Texas")]
    [InlineData("THIS AGREEMENT SHALL BE GOVERNED BY THE LAWS OF THE STATE OF DELAWARE REGARDLESS OF ITS CONFLICT RULES.", "Delaware")]
    [InlineData("THIS AGREEMENT IS GOVERNED BY THE LAWS OF ENGLAND AND WALES.", "England")]
    [InlineData("THE LAWS OF THE STATE OF FLORIDA SHALL GOVERN THIS AGREEMENT.", "Florida")]
    [InlineData("THIS AGREEMENT SHALL BE GOVERNED BY THE LAWS OF THE STATE OF NEW YORK.", "New York")]
    // Read from a poor scan (Tesseract's own errors on a 100 dpi page, eval-data/ocr-governing-law): "Jaws of", "Laws af",
    // a stray quote before the name, which left the stronger detector with "State" alone, no value.
    [InlineData("This Agreement shall be governed by and constnied in accordance with the\nJaws of the State of New York.", "New York")]
    [InlineData("Any disputes shall be governed by, and construed in accordance with, the Laws af the State of Delaware.", "Delaware")]
    [InlineData("This Agreement will be governed by the\nlaws of the State of ‘Tennessee applicable to contracts.", "Tennessee")]
    // Written from probe sets (a name in capitals after "by", Scots law); a value never runs on into the next paragraph.
    [InlineData("THIS AGREEMENT IS GOVERNED BY ENGLISH LAW.", "England")]
    [InlineData("This Agreement shall be governed by Scots law.", "Scotland")]
    [InlineData("This Agreement will be governed by the laws of the Netherlands\n\nSupplier shall deliver the Products.", "Netherlands")]
    // A term sheet's table row, a heading with its jurisdiction, "X law applies."
    [InlineData("Governing Law          New York\n\nNotices          In writing", "New York")]
    [InlineData("Governing Law and Jurisdiction: English law; courts of London.", "England")]
    [InlineData("Applicable law. Swiss law applies.", "Switzerland")]
    // A jurisdiction redacted in the filing: the marker as written, so the analyst sees a law was named but withheld.
    [InlineData("This Agreement shall be governed by and construed in accordance with the internal laws of the [***] applicable to agreements made therein.", "[***]")]
    public async Task JurisdictionIsNormalised(string sentence, string expected)
    {
        var law = await GoverningLawAsync($"1. Term. This Agreement begins today.\n\n2. Law. {sentence}");

        Assert.Equal(expected, law.Value);
    }

    // A weaker wording earlier in the text (a precedence clause, a regulator's rules) never displaces the law a choice-of-law
    // sentence names later: the fallback is read only when the value detector finds nothing.
    [Theory]
    [InlineData("In the event of any conflict between this Agreement and the laws of the State of California, the laws of the State of California shall control this Agreement.")]
    [InlineData("Under this Agreement the Products shall be manufactured in accordance with, and governed by, the laws and regulations of the Territory.")]
    [InlineData("Governing Law: Delaware")]
    public async Task AStrongerWordingAnywhereWinsOverTheFallback(string earlier)
    {
        var text = $"1. Term. This Agreement begins today. {earlier}\n\n12. Law. This Agreement shall be governed by the laws of the State of New York.";

        var law = await GoverningLawAsync(text);

        Assert.Equal("New York", law.Value);
    }

    // A heading at the start of a line and its jurisdiction, with no verb (term sheets, schedules); in running text
    // "applicable law. Licensee shall" names nothing.
    [Theory]
    [InlineData("Governing Law\nDelaware", "Delaware")]
    [InlineData("12.  Governing Law.\n\nThe internal laws of the Commonwealth of Massachusetts.", "Massachusetts")]
    [InlineData("Governing Law; Venue. State of Florida; Orange County.", "Florida")]
    [InlineData("Fees are payable as permitted by applicable law. Licensee, at its option, may pay early.", null)]
    public async Task AHeadingFollowedByItsJurisdictionNamesTheLaw(string lines, string? expected)
    {
        var law = await GoverningLawAsync($"1. Term. This Agreement begins today.\n\n{lines}\n\n13. Notices. In writing.");

        Assert.Equal(expected, law.Value);
    }

    // Another agreement's, a party's or a right's law named earlier gives way to the law of the sentence that chooses this
    // agreement's (the check's valueClause); with no such sentence, the first value stands.
    [Theory]
    [InlineData("The Security Agreement shall be governed by the laws of the State of Illinois.", "This Agreement shall be governed by the laws of the State of New York.", "New York")]
    [InlineData("Nothing herein shall be construed as a waiver of rights under the laws of the State of Washington.", "The laws of the State of Texas shall govern this Agreement.", "Texas")]
    [InlineData("The Trademark License is governed by the laws of England, and this Agreement shall not affect it.", "The validity and performance of this Agreement shall be governed by Delaware law.", "Delaware")]
    [InlineData("The Security Agreement shall be governed by the laws of the State of Illinois.", "The Guaranty shall be governed by the laws of the State of New York.", "Illinois")]
    public async Task TheLawOfTheSentenceAboutThisAgreementWinsOverOneNamedEarlier(string earlier, string later, string expected)
    {
        var text = $"1. Term. This Agreement begins today. {earlier}\n\n12. Law. {later}";

        var law = await GoverningLawAsync(text);

        Assert.Equal(expected, law.Value);
    }

    [Fact]
    public async Task ChoiceOfLawLanguageTheDetectorsCannotNameIsNeverDecidedAbsent()
    {
        // No "governing law" heading and no "laws of the State": before, GL-2 decided such a contract had no choice of law.
        var law = await GoverningLawAsync("1. Term. This Agreement begins today.\n\n2. Law. This Agreement shall be governed by the laws of the Licensor's home jurisdiction.");

        Assert.NotEqual(Outcome.Absent, law.Outcome);
    }

    // Wordings no detector decides on (GL-1, GL-3, GL-4): they go to the judge or a reviewer with the law named, never "absent".
    [Theory]
    [InlineData("This Agreement shall be deemed to have been made in the State of Utah and shall be interpreted according to its laws.", "Utah")]
    [InlineData("The rights and obligations of the parties under this Agreement shall be determined under Maryland law.", "Maryland")]
    [InlineData("This Contract is signed in accordance with the Contract Law of the People's Republic of China.", "People's Republic of China")]
    [InlineData("The parties have entered into this Agreement under the laws of Singapore.", "Singapore")]
    [InlineData("The laws of Japan apply.", "Japan")]
    public async Task AChoiceOfLawWordedLooselyIsNotDeniedAndNamesTheLaw(string sentence, string expected)
    {
        var law = await GoverningLawAsync($"1. Term. This Agreement begins today.\n\n2. Miscellaneous. {sentence}");

        Assert.Equal(Outcome.Undetermined, law.Outcome);
        Assert.Equal(expected, law.Value);
    }

    // A law named only to describe a party or a duty to comply is no choice of law: GL-2 still decides.
    [Theory]
    [InlineData("Sanofi Pasteur S.A., a company existing and organized under the laws of France, supplies ADMA.")]
    [InlineData("Each party shall comply with the export laws of the United Kingdom.")]
    public async Task ALawNamedForAPartyOrForComplianceLeavesTheContractWithoutAChoiceOfLaw(string sentence)
    {
        var law = await GoverningLawAsync($"1. Term. This Agreement begins today.\n\n2. Parties. {sentence}");

        Assert.Equal(Outcome.Absent, law.Outcome);
        Assert.Null(law.Value);
    }

    // Three pages with a running footer, then a choice of law cut by the third page break.
    static string CutByAPageBreak(string opening, string beforeBreak, string afterBreak)
    {
        const string Footer = "Source: ACME HOLDINGS, INC., 10-K, 3/14/2019";
        var filler = string.Concat(Enumerable.Repeat("Supplier shall deliver the Products on the dates agreed in writing by the parties. ", 14));
        return $"{opening} {filler}1\n\n{Footer}\n\n\n\n{filler}2\n\n{Footer}\n\n\n\n{filler}\n\n12. Law. {beforeBreak} 3\n\n{Footer}\n\n\n\n{afterBreak}\n\n{filler}";
    }

    [Fact]
    public async Task AChoiceOfLawAcrossAPageBreakNamesTheLawAndItsEvidenceIsTheDocumentsText()
    {
        var text = CutByAPageBreak("1. Supply.", "This Agreement shall be governed by the laws of the State of", "Delaware, without regard to its conflict of laws rules.");

        var law = await GoverningLawAsync(text);

        Assert.Equal(Outcome.Present, law.Outcome);
        Assert.Equal("Delaware", law.Value);
        Assert.All(law.Evidence, e => Assert.Equal(text[e.Start..e.End], e.Text));
    }

    // The clause a value is read in is the one the detectors read: a full stop in the footer ("INC.") does not cut the
    // choice of law off from the value after the page break, so an earlier law of another agreement does not win.
    [Fact]
    public async Task TheClauseThatChoosesThisAgreementsLawIsReadAcrossAPageBreak()
    {
        var text = CutByAPageBreak("1. Security. The Security Agreement shall be governed by the laws of the State of Illinois.", "This Agreement",
            "shall be governed by the laws of the State of Delaware, without regard to its conflict of laws rules.");

        var law = await GoverningLawAsync(text);

        Assert.Equal("Delaware", law.Value);
    }

    // The same words as boilerplate (absent) and as the clause itself (not absent): the rules read the legal language,
    // not the word.
    [Theory]
    [InlineData("third-party-beneficiary", "No Third Party Beneficiaries. This Agreement is for the sole benefit of the Parties and there are no third party beneficiaries to it.", true)]
    [InlineData("third-party-beneficiary", "Third Party Beneficiaries. Except for the Indemnitees, who may enforce Section 9 as third party beneficiaries, no other person has rights hereunder.", false)]
    [InlineData("liquidated-damages", "Supplier shall indemnify Customer against all fines, penalties and costs arising from its breach.", true)]
    [InlineData("liquidated-damages", "If Supplier delivers late, it shall pay a penalty equal to one percent of the price for each week of delay.", false)]
    [InlineData("ip-ownership-assignment", "Either party may assign its rights under this Agreement to an Affiliate without consent.", true)]
    [InlineData("ip-ownership-assignment", "All inventions developed by Consultant in performing the Services shall be owned by the Company.", false)]
    [InlineData("insurance", "Contractor alone is responsible for unemployment insurance and payroll taxes of its staff.", true)]
    [InlineData("insurance", "Contractor shall carry insurance covering its performance of the Services.", false)]
    [InlineData("exclusivity", "This Agreement is the complete and exclusive statement of the agreement of the parties.", true)]
    [InlineData("exclusivity", "During the Term, Distributor shall be the exclusive distributor of the Products in the Territory.", false)]
    [InlineData("no-solicit-of-employees", "Supplier shall hire and train qualified personnel to perform the Services.", true)]
    [InlineData("no-solicit-of-employees", "Neither party shall solicit or hire the employees of the other party during the Term.", false)]
    [InlineData("license-grant", "Contractor shall obtain all necessary licenses and permits and is duly licensed to do business in Texas.", true)]
    [InlineData("license-grant", "Contractor shall obtain all necessary licenses and permits, and Owner grants Contractor a license to use its logo.", false)]
    [InlineData("no-solicit-of-employees", "Supplier will recruit and train its own employees to perform the Services.", true)]
    [InlineData("no-solicit-of-employees", "Neither party shall, during the Term, solicit for employment any employee of the other party.", false)]
    [InlineData("non-compete", "Supplier will keep its prices competitive with those of the market.", true)]
    [InlineData("non-compete", "Distributor shall not sell products that compete with the Products.", false)]
    [InlineData("minimum-commitment", "Supplier shall give at least thirty (30) days notice of any price change, and Distributor shall maintain insurance of not less than $1,000,000.", true)]
    [InlineData("minimum-commitment", "Distributor shall purchase a minimum of 1,000 units in each Contract Year.", false)]
    [InlineData("volume-restriction", "Either party may terminate on not more than thirty (30) days notice, and neither party's liability shall exceed the fees paid.", true)]
    [InlineData("volume-restriction", "Customer's orders shall not exceed 500 units in any month.", false)]
    [InlineData("competitive-restriction-exception", "Customer may request exclusivity for a Product, which Supplier may grant in its discretion.", true)]
    [InlineData("competitive-restriction-exception", "During the Exclusivity Period, Supplier shall not sell the Product to any other customer.", false)]
    [InlineData("anti-assignment", "Capitalized terms have the meanings assigned to them in the Lease; either party may terminate if the other makes an assignment for the benefit of creditors.", true)]
    [InlineData("anti-assignment", "Capitalized terms have the meanings assigned to them in the Lease; Supplier may assign this Agreement to an Affiliate.", false)]
    [InlineData("cap-on-liability", "Supplier shall be liable to Customer for any loss caused by its negligence.", true)]
    [InlineData("cap-on-liability", "Supplier shall be liable to Customer for its negligence, but any claim must be brought within one year of delivery.", false)]
    [InlineData("cap-on-liability", "Supplier shall not be liable for delays caused by Customer, and Customer shall be liable for its own acts.", true)]
    [InlineData("cap-on-liability", "Except for gross negligence or wilful misconduct, Supplier shall not be liable to Customer for any loss.", false)]
    [InlineData("uncapped-liability", "Except for its indemnification obligations, Supplier shall not be liable for delays caused by Customer.", true)]
    [InlineData("uncapped-liability", "Except for its indemnification obligations, Supplier's aggregate liability shall not exceed the fees paid.", false)]
    [InlineData("ip-ownership-assignment", "Licensor has developed and owns the Software. Customer may assign its rights under this Agreement to an Affiliate.", true)]
    [InlineData("ip-ownership-assignment", "Any software developed by Consultant shall belong to the Company. Customer may assign its rights under this Agreement to an Affiliate.", false)]
    [InlineData("revenue-profit-sharing", "Neither party is responsible for lost profits, and unpaid invoices bear interest at 1.5% per month.", true)]
    [InlineData("revenue-profit-sharing", "Distributor shall pay Supplier ten percent of the receipts from each sale of the Products.", false)]
    [InlineData("source-code-escrow", "The purchase price shall be paid into an escrow account held by the escrow agent until closing.", true)]
    [InlineData("irrevocable-or-perpetual-license", "The parties irrevocably submit to the jurisdiction of the courts of New York. Licensor grants Customer a license to use the Software.", true)]
    [InlineData("irrevocable-or-perpetual-license", "Licensor grants Customer a perpetual right to use the Software.", false)]
    [InlineData("price-restrictions", "Net Sales means the gross amounts invoiced less rebates, chargebacks and retroactive price adjustments.", true)]
    [InlineData("price-restrictions", "The prices may be increased by Supplier only once in each contract year.", false)]
    [InlineData("source-code-escrow", "Licensor shall deposit the current release in escrow with a recognized escrow agent, to be released on its insolvency.", false)]
    [InlineData("change-of-control", "Either party may assign this Agreement to a successor in connection with a merger or a sale of substantially all of its assets.", true)]
    [InlineData("change-of-control", "If a change of control of Distributor occurs, Supplier may terminate this Agreement.", false)]
    [InlineData("covenant-not-to-sue", "Neither party shall contest the other party's rights to payment of an invoice after sixty days.", true)]
    [InlineData("covenant-not-to-sue", "Neither party shall contest the other party's rights to payment, or take any action to impair the goodwill of its trademarks.", false)]
    [InlineData("audit-rights", "Customer may inspect the Products upon delivery and reject nonconforming units.", true)]
    [InlineData("audit-rights", "Supplier shall make its books and records available for inspection by Customer.", false)]
    [InlineData("anti-assignment", "Supplier may assign qualified personnel to perform the Services.", true)]
    [InlineData("anti-assignment", "Supplier may not assign this Agreement without the consent of Customer.", false)]
    [InlineData("license-grant", "The Products are sold, not licensed, and no rights in the Supplier's patents pass to Customer.", true)]
    [InlineData("license-grant", "Supplier has not granted any license in the Products to any other person.", false)]
    [InlineData("governing-law", "Supplier shall deliver the Services on time.", true)]
    [InlineData("governing-law", "New York law shall apply to this Agreement.", false)]
    [InlineData("renewal-term", "The warranty period is one year from delivery.", true)]
    [InlineData("renewal-term", "This Agreement continues for one year from its date and from year to year thereafter.", false)]
    [InlineData("renewal-term", "Supplier will extend the Agreement on the same terms for additional one-year terms if both parties agree.", false)]
    public async Task BoilerplateIsDecidedAbsentAndTheClauseIsNot(string check, string sentence, bool absent)
    {
        var finding = (await RulesEvaluator.EvaluateAsync(ContractReview, $"1. Services. Supplier provides the Services.\n\n2. General. {sentence}")).Single(f => f.Check == check);

        Assert.Equal(absent, finding.Outcome == Outcome.Absent);
    }

    // A morality clause (conduct harming a party's reputation or image) is what CUAD often labels non-disparagement: without the
    // word "disparage" the rules still answer absent, but by a rule measured under the policy's target, so the judge or a
    // reviewer verifies it; with neither, the answer is final.
    [Theory]
    [InlineData("Supplier shall not engage in conduct detrimental to Customer's image or reputation.", "ND-4", true)]
    [InlineData("Supplier shall deliver the Services on time and in good order.", "ND-2", false)]
    public async Task HarmToAReputationWithoutTheWordDisparageIsHeldForVerification(string sentence, string rule, bool held)
    {
        var findings = Verification.Hold(ContractReview, await RulesEvaluator.EvaluateAsync(ContractReview, $"1. Services. Supplier provides the Services.\n\n2. Conduct. {sentence}"));

        var finding = findings.Single(f => f.Check == "non-disparagement");
        Assert.StartsWith(rule + " ", Assert.Single(finding.RuleIds), StringComparison.Ordinal);
        Assert.Equal(held, finding.Proposal is not null);
    }

    // A named form of the clause decides it present; the same words in a weaker form (a near miss) do not.
    [Theory]
    [InlineData("exclusivity", "Licensor hereby grants to Licensee an exclusive, worldwide license to make and sell the Products.", "EX-6")]
    [InlineData("exclusivity", "Licensor hereby grants to Licensee a non-exclusive license to use the Software; the courts of Delaware have exclusive jurisdiction.", null)]
    [InlineData("governing-law", "Governing Law. The execution and interpretation of this Agreement shall be governed by the internal laws of the [***].", "GL-4")]
    [InlineData("governing-law", "Each party shall comply with all laws governing its business.", null)]
    [InlineData("anti-assignment", "The Developer may not, without the written consent of the Client, assign its obligations under this Agreement.", "AA-4")]
    [InlineData("anti-assignment", "Either party may assign this Agreement to an Affiliate.", null)]
    [InlineData("non-disparagement", "Consultant agrees that it will not directly or indirectly disparage the Company.", "ND-3")]
    [InlineData("non-disparagement", "7. Confidential Information and Non-Disparagement.", null)]
    [InlineData("joint-ip-ownership", "All Joint Inventions shall be jointly owned by the Parties.", "JIP-2")]
    [InlineData("joint-ip-ownership", "The Company and Reseller shall jointly own all customer lists gathered under this Agreement.", null)]
    [InlineData("exclusivity", "During the Term, Tickets shall be the exclusive ticket provider for the Site.", "EX-7")]
    [InlineData("exclusivity", "No other person has the right to be the exclusive sponsor of the events, and Sponsor will promote the events.", null)]
    [InlineData("audit-rights", "Licensor may audit, at its own expense, the Licensee's marketing practices for compliance with this Agreement.", "AUD-3")]
    [InlineData("audit-rights", "Neither party shall be obliged to audit the work of its subcontractors.", null)]
    [InlineData("liquidated-damages", "For each day of delay Supplier shall pay one hundred dollars as liquidated damages and not as a penalty.", "LD-3")]
    [InlineData("liquidated-damages", "Neither party shall be liable for consequential or liquidated damages arising from late delivery.", null)]
    [InlineData("rofr-rofo-rofn", "Licensee shall have the first right of refusal to license any Additional Title.", "ROFR-3")]
    [InlineData("rofr-rofo-rofn", "The parties may first negotiate in good faith before any sale.", null)]
    [InlineData("no-solicit-of-employees", "During the Term and for twelve (12) months thereafter, neither party shall solicit for employment any employee of the other party.", "NSE-4")]
    [InlineData("no-solicit-of-employees", "Neither party shall solicit for employment any employee of the other party during the Term.", null)]
    [InlineData("notice-period-to-terminate-renewal", "This Agreement shall be extended for one further year unless either party notifies the other in writing ninety days before the Expiration Date.", "NPR-5")]
    [InlineData("notice-period-to-terminate-renewal", "This Agreement may be extended by mutual written agreement of the parties.", null)]
    [InlineData("expiration-date", "Sponsorship Period: January 1, 2020 through December 31, 2020.", "EXP-3")]
    [InlineData("expiration-date", "Supplier shall deliver the first shipment by January 1, 2020 and the second by June 30, 2020.", null)]
    [InlineData("exclusivity", "During the Exclusivity Period, Supplier shall supply the Products only to Customer.", "EX-8")]
    [InlineData("exclusivity", "Nothing in this Agreement creates any exclusivity between the parties.", null)]
    [InlineData("minimum-commitment", "Sponsor shall pay a Guaranteed Fee of $50,000 in each Contract Year.", "MC-3")]
    [InlineData("minimum-commitment", "Supplier guarantees that the Products are free from defects, and shall give at least ten (10) days notice of any delay.", null)]
    [InlineData("insurance", "Supplier shall name Customer as an additional insured and deliver certificates of insurance on request.", "INS-4")]
    [InlineData("insurance", "Each party shall pay its own costs, including insurance and freight.", null)]
    [InlineData("license-grant", "Distributor is licensed to use the Supplier's trademarks in the Territory.", "LG-5")]
    [InlineData("license-grant", "Supplier has not granted any license in the Products to any other person.", null)]
    [InlineData("liquidated-damages", "If Customer terminates early, Customer shall pay a termination fee equal to three months of fees.", "LD-4")]
    [InlineData("liquidated-damages", "No termination fee shall apply if Customer terminates for convenience.", null)]
    public async Task ANamedFormOfTheClauseIsDecidedPresent(string check, string sentence, string? rule)
    {
        var finding = (await RulesEvaluator.EvaluateAsync(ContractReview, $"1. Services. Supplier provides the Services.\n\n2. General. {sentence}")).Single(f => f.Check == check);

        if (rule is null)
        {
            Assert.NotEqual(Outcome.Present, finding.Outcome);
        }
        else
        {
            Assert.Equal(Outcome.Present, finding.Outcome);
            Assert.StartsWith(rule + " ", finding.RuleIds[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryFindingPointsIntoTheTextOnRealContracts()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.EvalData, "contracts"), "*.txt"))
        {
            var text = File.ReadAllText(file);

            var findings = await RulesEvaluator.EvaluateAsync(ContractReview, text);

            Assert.Equal(ContractReview.Definition.Checks.Select(c => c.Name), findings.Select(f => f.Check));
            foreach (var finding in findings)
            {
                Assert.All(finding.Evidence.Concat(finding.Candidates), e => Assert.Equal(e.Text, text[e.Start..e.End]));
                Assert.Equal(finding.Outcome == Outcome.Undetermined, finding.DecidedBy is null);
                if (finding.IsDecided)
                {
                    Assert.NotEmpty(finding.RuleIds);
                    Assert.Empty(finding.Candidates);
                }
            }
        }
    }

    [Fact]
    public async Task AnUndeterminedCheckCarriesTheCandidatePassagesThatMadeItAmbiguous()
    {
        var undetermined = new List<CheckFinding>();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.EvalData, "contracts"), "*.txt"))
        {
            undetermined.AddRange((await RulesEvaluator.EvaluateAsync(ContractReview, File.ReadAllText(file))).Where(f => !f.IsDecided));
        }

        Assert.NotEmpty(undetermined);
        // A check with an "absent" rule stays undetermined only because some language its rules read is there: show it.
        Assert.All(undetermined.Where(f => ContractReview.RulesByCheck[f.Check].Any(r => r.Outcome == Outcome.Absent)), f => Assert.NotEmpty(f.Candidates));
        Assert.All(undetermined.SelectMany(f => f.Candidates), c => Assert.InRange(c.End - c.Start, 1, 1200));
    }

    [Fact]
    public async Task ADocumentOverItsScanBudgetLeavesTheUnfinishedChecksUndeterminedAndSaysWhy()
    {
        var text = Fixtures.Text("contract.txt");

        var cut = await RulesEvaluator.EvaluateAsync(ContractReview, text, new ScanBudget(0));
        var full = (await RulesEvaluator.EvaluateAsync(ContractReview, text)).ToDictionary(f => f.Check);

        var law = cut.Single(f => f.Check == "governing-law");
        Assert.Equal(Outcome.Undetermined, law.Outcome);
        Assert.Contains("used up its matching budget", law.Note, StringComparison.Ordinal);
        Assert.Equal(Outcome.Present, full["governing-law"].Outcome);
        // Only a detector that needed no match attempt (none of its words is in the text) finishes: what it decides stands.
        Assert.All(cut.Where(f => f.Outcome != Outcome.Undetermined), f => Assert.Equal(full[f.Check].Outcome, f.Outcome));
        Assert.True(cut.Count(f => f.Outcome == Outcome.Undetermined) > full.Values.Count(f => f.Outcome == Outcome.Undetermined));
    }

    [Fact]
    public async Task TheDefaultScanBudgetIsCountedInAttemptsAndGrowsWithTheText()
    {
        var text = Fixtures.Text("contract.txt");
        var budget = ScanBudget.For(text.Length);

        await RulesEvaluator.EvaluateAsync(ContractReview, text, budget);

        Assert.Equal(ScanBudget.MinimumAttempts + ScanBudget.AttemptsPerChar * text.Length, budget.Attempts);
        Assert.InRange(budget.Spent, 1, budget.Attempts / 10);
    }

}
