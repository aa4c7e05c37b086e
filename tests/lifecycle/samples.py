# ruff: noqa: E501 -- sample files keep their issuers' long lines
"""Sample files shaped as their issuers publish them (hand-written; synthetic people).

* GoCardless: dashboard "Export payments" CSV; columns as in GoCardless's payments export
  (id, created_at, charge_date, amount in pounds, currency, description, reference, status,
  links.mandate, links.payout, metadata.*), statuses from the GoCardless API payment
  lifecycle (pending_submission, submitted, confirmed, paid_out, failed, charged_back, ...).
* Stripe: Dashboard > Payments > Export, default columns (id, Description, Created (UTC),
  Amount, Currency, Status, Customer ID, ... and "KEY (metadata)").
* ARUDD / ADDACS: Bacs "BACSDocument" XML reports as Bacs's Service User guides and the
  bureau samples show them (ReturnedDebitItem with returnCode/returnDescription;
  MessagingAdvice with reason-code and effective-date).
* Bank statement: Lloyds Bank's "Download transactions" CSV.
"""

GOCARDLESS = b"""id,created_at,charge_date,amount,amount_refunded,currency,description,reference,status,links.mandate,links.payout,metadata.membership_number
PM0001AAA,2016-05-25T09:12:01.000Z,2016-06-01,4.17,0.00,GBP,Monthly membership,GS-DD-1,paid_out,MD000AAA1,PO0001,
PM0001AAB,2016-05-25T09:12:01.000Z,2016-06-01,4.17,0.00,GBP,Monthly membership,GS-DD-2,paid_out,MD000AAA2,PO0001,
PM0001AAC,2016-05-25T09:12:01.000Z,2016-06-01,1.00,0.00,GBP,Monthly membership (reduced),,confirmed,MD000ZZZ9,,
PM0001AAD,2016-05-25T09:12:01.000Z,2016-06-01,4.17,0.00,GBP,Monthly membership,,failed,MD000AAA3,,
PM0001AAE,2016-05-28T09:12:01.000Z,2016-06-08,4.17,0.00,GBP,Monthly membership,,pending_submission,MD000AAA1,,
"""

STRIPE = b"""id,Description,Seller Message,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,Fee,Status,Customer ID,Customer Description,membership_number (metadata)
ch_1Abc,Annual membership,Payment complete.,2016-06-03 14:22,48.00,0.00,gbp,48.00,0.92,Paid,cus_AAA1,,
ch_1Abd,Annual membership,Payment complete.,2016-06-04 10:01,48.00,0.00,gbp,48.00,0.92,Paid,cus_NEW1,,{number}
ch_1Abe,Annual membership,Your card was declined.,2016-06-04 10:02,48.00,0.00,gbp,0.00,0.00,Failed,cus_AAA2,,
"""

ARUDD = b"""<?xml version="1.0" encoding="UTF-8"?>
<BACSDocument xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Data>
    <ARUDD>
      <Header reportType="REFT1019" adviceNumber="00000000001" currentProcessingDate="2016-06-06"/>
      <AddresseeInformation name="GROUNDSWELL PARTY"/>
      <ServiceLicenseInformation userName="GROUNDSWELL PARTY" userNumber="123456"/>
      <Advice>
        <OriginatingAccountRecords>
          <OriginatingAccountRecord>
            <OriginatingAccount name="GROUNDSWELL" number="12345678" sortCode="309634" type="0"/>
            <ReturnedDebitItem ref="{ref}" transCode="17" returnCode="0" returnDescription="REFER TO PAYER" originalProcessingDate="2016-06-01" valueOf="4.17" currency="GBP">
              <PayerAccount number="87654321" ref="{ref}" name="A N OTHER" sortCode="400000" bankName="SYNTHETIC BANK" branchName="DERBY"/>
            </ReturnedDebitItem>
          </OriginatingAccountRecord>
          <Totals numberOf="1" valueOf="4.17" currency="GBP"/>
        </OriginatingAccountRecords>
      </Advice>
    </ARUDD>
  </Data>
</BACSDocument>
"""

ADDACS = b"""<?xml version="1.0" encoding="UTF-8"?>
<BACSDocument>
  <Data>
    <MessagingAdvices>
      <MessagingHeader advice-number="000001" report-generation-date="2016-06-07" user-number="123456" user-name="GROUNDSWELL PARTY"/>
      <MessagingAdvice user-number="123456" record-type="A" effective-date="2016-06-07" reference="{ref}" payer-name="A N OTHER" payer-account-number="87654321" payer-sort-code="400000" reason-code="1" aosn="" payer-new-account-number="" payer-new-sort-code=""/>
    </MessagingAdvices>
  </Data>
</BACSDocument>
"""

BANK = b"""Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance
03/06/2016,FPI,'30-96-34,12345678,A N OTHER {number} MEMBERSHIP,,48.00,1048.00
04/06/2016,DD,'30-96-34,12345678,HALL HIRE DERBY,120.00,,928.00
05/06/2016,BGC,'30-96-34,12345678,CASH DEPOSIT NO REF,,10.00,938.00
"""

# SWIFT MT940 (Customer Statement Message) as UK banks' host-to-host exports give it: fields
# :20: :25: :28C: :60F: :61: (value date YYMMDD, entry date MMDD, C/D, amount with a comma,
# transaction type) :86: (details) :62F:, per SWIFT's MT940 field specification.
MT940 = b""":20:STMT160603
:25:309634/12345678
:28C:00153/001
:60F:C160602GBP1000,00
:61:1606030603C48,00NTRFNONREF//FP160603
:86:A N OTHER {number} MEMBERSHIP
:61:1606040604D120,00NDDTNONREF//DD160604
:86:HALL HIRE DERBY
:62F:C160604GBP928,00
"""

# OFX 1.0.2 (SGML) as UK banks' "download for Money/Quicken" gives it: STMTTRN with TRNTYPE,
# DTPOSTED, TRNAMT, FITID, NAME, MEMO, per the OFX 1.0.2 specification.
OFX = b"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20160605120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>GBP<BANKACCTFROM><BANKID>309634<ACCTID>12345678<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20160601<DTEND>20160605
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20160603<TRNAMT>48.00<FITID>2016060301<NAME>A N OTHER<MEMO>{number} MEMBERSHIP</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20160604<TRNAMT>-120.00<FITID>2016060401<NAME>HALL HIRE DERBY<MEMO>ROOM</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>928.00<DTASOF>20160605</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""
