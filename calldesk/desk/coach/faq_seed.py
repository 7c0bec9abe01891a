"""The demo's FAQ: the handbook's four example questions, and the questions an appliance desk hears every day."""

from __future__ import annotations

from calldesk.desk.context import Desk
from calldesk.store.models import FaqEntry, database

# (question, answer, tags); the first four are the handbook's own examples.
DEMO_FAQ: tuple[tuple[str, str, str], ...] = (
    ("What documents do I need to buy this product?",
     "For a purchase in your own name: a photo ID (Aadhaar, passport or driving licence) and an address proof. "
     "A company purchase also needs the GST number and a purchase order on the company's letterhead. "
     "For an instalment plan, add your last three bank statements.",
     "buying, documents"),
    ("What is the difference between the regular and the premium package?",
     "Both include delivery and installation. Premium adds a 3-year extended warranty (regular: 1 year), "
     "a same-day service visit in metro cities, one free annual maintenance visit and a replacement unit while "
     "yours is being repaired. Premium costs 12% more than regular.",
     "packages, premium, warranty"),
    ("Is there a discount for bulk purchases?",
     "Yes. From 5 units of the same model: 5% off; from 20 units: 10% off; from 50 units, our sales team makes a "
     "quotation within one working day. Bulk discounts do not combine with festival offers.",
     "discounts, bulk, sales"),
    ("How do I activate the application?",
     "Install the Acme Home app from the app store, sign in with the phone number you gave at purchase, and scan "
     "the QR code on the back of the appliance. The app sends a 6-digit code by SMS; enter it and the appliance "
     "appears under \"My devices\". No SMS in 2 minutes? Tap \"Resend\" or ask us to activate it from here.",
     "app, activation"),
    ("How long does delivery take?",
     "2 to 4 working days in metro cities, 5 to 7 elsewhere. You get an SMS with the delivery slot the day before.",
     "delivery"),
    ("Can I change the delivery date or address?",
     "Yes, until the day before delivery: tell us the new date or address and we confirm by SMS. On the delivery "
     "day, only the time slot can change.",
     "delivery"),
    ("Is installation free?",
     "Installation is free for every large appliance (washing machines, refrigerators, air conditioners). "
     "Wall brackets and extra piping are charged at the list price, shown before the work starts.",
     "installation"),
    ("What does the warranty cover?",
     "Manufacturing defects in parts and labour for 1 year (3 years with the premium package); the compressor "
     "or motor for 5 years. Damage from power surges, water or misuse is not covered.",
     "warranty"),
    ("How do I claim the warranty?",
     "Call us or use the app with your invoice number. A technician visits within 48 hours (same day with "
     "premium). Keep the invoice: it is your warranty card.",
     "warranty, service"),
    ("How do I ask for a refund?",
     "Within 10 days of delivery, an unused product in its packing can be returned for a full refund. We book a "
     "pick-up; the money reaches the original payment method within 7 working days of the pick-up.",
     "refund, returns"),
    ("When will I get my refund?",
     "Within 7 working days of the pick-up, to the card or account you paid from. Cash payments are refunded by "
     "bank transfer: we need your account number and IFSC code.",
     "refund"),
    ("Can I exchange a product for another model?",
     "Yes, within 10 days of delivery, for a model of the same or higher price (you pay the difference). The "
     "exchange is delivered and the old one picked up on the same visit.",
     "exchange, returns"),
    ("Do you offer instalments (EMI)?",
     "Yes: 3, 6, 9 or 12 months with the major banks' credit cards; 3 and 6 months are interest-free. "
     "Debit-card EMI is available for some banks on orders above ₹10,000.",
     "payment, emi"),
    ("Which payment methods do you accept?",
     "UPI, credit and debit cards, net banking, cash on delivery up to ₹50,000, and bank transfer for companies.",
     "payment"),
    ("How do I get a GST invoice?",
     "Give us your GST number before dispatch and the invoice carries it. For an order already delivered, we can "
     "reissue the invoice within the same month.",
     "invoice, gst, business"),
    ("How do I book a service visit?",
     "Call us, use the app (\"My devices\" > \"Book a visit\") or send an SMS with SERVICE and your invoice "
     "number. You choose the slot; the technician calls 30 minutes before arriving.",
     "service"),
    ("How much does a repair cost outside the warranty?",
     "The visit is ₹399, deducted from the bill if you go ahead with the repair. Parts are charged at the list "
     "price and carry a 6-month warranty of their own.",
     "service, repair, prices"),
    ("How do I update the appliance's software?",
     "With the Acme Home app: open the device and tap \"Update\". Keep the appliance switched on and on Wi-Fi "
     "until the app says it is done (about 5 minutes).",
     "app, software"),
    ("The app does not find my appliance. What can I do?",
     "Check that the phone and the appliance are on the same 2.4 GHz Wi-Fi, switch the appliance off for 30 "
     "seconds, then scan the QR code again. If it still fails, we can register it from here with the serial "
     "number.",
     "app, activation, troubleshooting"),
    ("Do you take old appliances in exchange?",
     "Yes, with a discount of ₹1,000 to ₹5,000 by type and condition, when you buy a new one of the same kind. "
     "The old one is picked up when the new one is delivered.",
     "exchange, offers"),
    ("Can I extend my warranty?",
     "Yes, until the original warranty ends: 1 or 2 more years, priced by model. Ask us for a quotation.",
     "warranty"),
    ("What are your service hours?",
     "The phone desk answers Monday to Saturday, 09:00 to 20:00. The app and SMS bookings work at any time; we "
     "answer every message within 10 hours.",
     "contact"),
    ("How do I make a complaint?",
     "Tell us on the phone, in the app or by e-mail. Every complaint gets an owner and an answer within 10 hours, "
     "and a reference number you can quote.",
     "complaints"),
    ("Is my data safe with the app?",
     "The app keeps only what it needs to run your appliances; nothing is sold to anyone. You can delete your "
     "account and data from the app's settings.",
     "app, privacy"),
    ("इस उत्पाद को खरीदने के लिए मेरे पास कौन से दस्तावेज़ होने चाहिए?",
     "अपने नाम से खरीद के लिए: फ़ोटो पहचान पत्र (आधार, पासपोर्ट या ड्राइविंग लाइसेंस) और पते का प्रमाण। "
     "कंपनी की खरीद के लिए GST नंबर और कंपनी के लेटरहेड पर ख़रीद आदेश भी चाहिए।",
     "खरीद, दस्तावेज़"),
    ("क्या थोक खरीद के लिए छूट है?",
     "हाँ। एक ही मॉडल की 5 इकाइयों से 5% छूट, 20 इकाइयों से 10% छूट; 50 इकाइयों से हमारी बिक्री टीम एक कार्य दिवस में "
     "कोटेशन देती है।",
     "छूट, थोक"),
)


# A Hindi desk's FAQ: the handbook's four questions in its own words, then the everyday ones, in the Hindi an Indian
# desk speaks (English terms such as EMI, GST and app kept as callers say them).
DEMO_FAQ_HI: tuple[tuple[str, str, str], ...] = (
    ("इस उत्पाद को खरीदने के लिए मेरे पास कौन से दस्तावेज़ होने चाहिए?",
     "अपने नाम से खरीद के लिए: फ़ोटो पहचान पत्र (आधार, पासपोर्ट या ड्राइविंग लाइसेंस) और पते का प्रमाण। कंपनी की "
     "खरीद के लिए GST नंबर और कंपनी के लेटरहेड पर ख़रीद आदेश भी चाहिए। किस्तों (EMI) के लिए पिछले तीन महीनों के "
     "बैंक स्टेटमेंट भी दीजिए।",
     "खरीद, दस्तावेज़"),
    ("नियमित और प्रीमियम पैकेज में क्या अंतर है?",
     "दोनों में डिलीवरी और इंस्टॉलेशन शामिल है। प्रीमियम में 3 साल की वारंटी (नियमित में 1 साल), मेट्रो शहरों में "
     "उसी दिन सर्विस विज़िट, साल में एक मुफ़्त रखरखाव विज़िट और मरम्मत के दौरान दूसरा उपकरण मिलता है। प्रीमियम "
     "नियमित से 12% महँगा है।",
     "पैकेज, प्रीमियम, वारंटी"),
    ("क्या थोक खरीद के लिए छूट है?",
     "हाँ। एक ही मॉडल की 5 इकाइयों से 5% छूट, 20 इकाइयों से 10% छूट; 50 इकाइयों से हमारी बिक्री टीम एक कार्य दिवस में "
     "कोटेशन देती है। थोक छूट त्योहार के ऑफ़र के साथ नहीं मिलती।",
     "छूट, थोक, बिक्री"),
    ("इस एप्लिकेशन को कैसे सक्रिय करें?",
     "ऐप स्टोर से Acme Home ऐप इंस्टॉल कीजिए, खरीद के समय दिए गए फ़ोन नंबर से साइन इन कीजिए और उपकरण के पीछे लगा "
     "QR कोड स्कैन कीजिए। ऐप SMS से 6 अंकों का कोड भेजता है; उसे डालते ही उपकरण \"मेरे उपकरण\" में दिखने लगता है। "
     "2 मिनट में SMS न आए तो \"फिर से भेजें\" दबाइए, या हम यहीं से सक्रिय कर सकते हैं।",
     "ऐप, सक्रियण"),
    ("डिलीवरी में कितना समय लगता है?",
     "मेट्रो शहरों में 2 से 4 कार्य दिवस, बाकी जगहों पर 5 से 7। डिलीवरी से एक दिन पहले समय की जानकारी SMS से मिलती है।",
     "डिलीवरी"),
    ("क्या मैं डिलीवरी की तारीख़ या पता बदल सकता/सकती हूँ?",
     "हाँ, डिलीवरी से एक दिन पहले तक: नई तारीख़ या पता बताइए, हम SMS से पुष्टि करेंगे। डिलीवरी के दिन केवल समय बदला "
     "जा सकता है।",
     "डिलीवरी"),
    ("क्या इंस्टॉलेशन मुफ़्त है?",
     "हर बड़े उपकरण (वॉशिंग मशीन, फ़्रिज, एसी) का इंस्टॉलेशन मुफ़्त है। वॉल ब्रैकेट और अतिरिक्त पाइप सूची मूल्य पर "
     "लगते हैं, जो काम शुरू होने से पहले बताया जाता है।",
     "इंस्टॉलेशन"),
    ("वारंटी में क्या शामिल है?",
     "निर्माण दोष के पुर्ज़े और मज़दूरी 1 साल तक (प्रीमियम में 3 साल); कंप्रेसर या मोटर 5 साल तक। बिजली के झटके, "
     "पानी या ग़लत इस्तेमाल से हुआ नुकसान शामिल नहीं है।",
     "वारंटी"),
    ("रिफ़ंड कैसे मिलेगा?",
     "डिलीवरी के 10 दिन के भीतर, बिना इस्तेमाल किया और पैकिंग में रखा उत्पाद पूरे रिफ़ंड के लिए लौटाया जा सकता है। "
     "हम पिक-अप बुक करते हैं; पैसा पिक-अप के 7 कार्य दिवस के भीतर उसी भुगतान माध्यम में पहुँच जाता है।",
     "रिफ़ंड, वापसी"),
    ("क्या आप किस्तों (EMI) की सुविधा देते हैं?",
     "हाँ: प्रमुख बैंकों के क्रेडिट कार्ड पर 3, 6, 9 या 12 महीने; 3 और 6 महीने ब्याज-मुक्त हैं। ₹10,000 से ऊपर के "
     "ऑर्डर पर कुछ बैंकों के डेबिट कार्ड से भी EMI मिलती है।",
     "भुगतान, emi"),
    ("सर्विस विज़िट कैसे बुक करें?",
     "हमें कॉल कीजिए, ऐप इस्तेमाल कीजिए (\"मेरे उपकरण\" > \"विज़िट बुक करें\") या SERVICE और अपना इनवॉइस नंबर "
     "SMS कीजिए। समय आप चुनते हैं; तकनीशियन आने से 30 मिनट पहले कॉल करते हैं।",
     "सर्विस"),
    ("शिकायत कैसे दर्ज करें?",
     "फ़ोन पर, ऐप में या ई-मेल से बताइए। हर शिकायत का एक ज़िम्मेदार होता है, 10 घंटे के भीतर उत्तर मिलता है, और एक "
     "संदर्भ नंबर जिसे आप बता सकते हैं।",
     "शिकायत"),
    ("आपकी सेवा का समय क्या है?",
     "फ़ोन डेस्क सोमवार से शनिवार, 09:00 से 20:00 तक उत्तर देता है। ऐप और SMS से बुकिंग कभी भी हो सकती है; हम हर "
     "संदेश का उत्तर 10 घंटे के भीतर देते हैं।",
     "संपर्क"),
)


def demo_faq(language: str) -> tuple[tuple[str, str, str], ...]:
    """The demo FAQ for a desk of this language: a Hindi desk gets the Hindi entries first, then the English ones
    (operators search in either); an English desk gets the English ones (and the two Hindi entries it always had)."""
    if language == "hi":
        hindi = {question for question, _, _ in DEMO_FAQ_HI}
        return DEMO_FAQ_HI + tuple(entry for entry in DEMO_FAQ if entry[0] not in hindi)
    return DEMO_FAQ


def seed_faq(desk: Desk) -> int:
    """Fill an empty FAQ with the demo entries in the desk's language; returns how many were added (none if it had
    entries)."""
    entries = demo_faq(desk.config.language)
    with database.atomic():
        if FaqEntry.select().exists():
            return 0
        now = desk.clock.now()
        FaqEntry.insert_many(
            [{"question": q, "answer": a, "tags": t, "updated_at": now} for q, a, t in entries]
        ).execute()
    return len(entries)
