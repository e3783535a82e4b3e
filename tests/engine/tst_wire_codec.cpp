// The engine ⇄ paddock-init codec: round trips, and refusal of anything a
// hostile peer could send (short, long, lying lengths, random bytes).
#include "paddock/wire/egress_messages.h"
#include "paddock/wire/messages.h"

#include <QRandomGenerator>
#include <QTest>

using namespace paddock::wire;

class TstWireCodec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void execRoundTrips()
    {
        Exec in;
        in.flags = kExecBackground;
        in.procId = "p7";
        in.argv = { "sh", "-c", "echo hi" };
        in.env = { "A=1", "B=" };
        in.cwd = "/root";
        std::string frame = encodeMessage(Type::Exec, 42, in);
        FrameParser parser;
        parser.append(frame.data(), frame.size());
        Frame f;
        QCOMPARE(parser.next(f), FrameParser::Status::Ready);
        QCOMPARE(f.type, uint8_t(Type::Exec));
        QCOMPARE(f.tag, 42u);
        Exec out;
        QVERIFY(decodeMessage(f, out));
        QCOMPARE(out.procId, in.procId);
        QVERIFY(out.argv == in.argv);
        QVERIFY(out.env == in.env);
        QCOMPARE(out.cwd, in.cwd);
        QCOMPARE(out.flags, in.flags);
    }

    void parserWaitsForWholeFramesFedByteByByte()
    {
        std::string a = encodeMessage(Type::Started, 1, Started { 5 });
        std::string b = encodeMessage(Type::Output, 1, Output { Stream::Stderr, "xyz" });
        std::string both = a + b;
        FrameParser parser;
        Frame f;
        int frames = 0;
        for (char ch : both) {
            parser.append(&ch, 1);
            while (parser.next(f) == FrameParser::Status::Ready)
                ++frames;
        }
        QCOMPARE(frames, 2);
        Output out;
        QVERIFY(decodeMessage(f, out));
        QCOMPARE(out.data, std::string("xyz"));
        QCOMPARE(out.stream, Stream::Stderr);
    }

    void oversizedFrameIsInvalid()
    {
        Writer w;
        w.u32(kMaxFrameBody + 1);
        FrameParser parser;
        parser.append(w.buffer().data(), w.buffer().size());
        Frame f;
        QCOMPARE(parser.next(f), FrameParser::Status::Invalid);
    }

    void frameShorterThanItsHeaderIsInvalid()
    {
        Writer w;
        w.u32(2); // a body cannot be shorter than type + tag
        w.u8(1);
        w.u8(0);
        FrameParser parser;
        parser.append(w.buffer().data(), w.buffer().size());
        Frame f;
        QCOMPARE(parser.next(f), FrameParser::Status::Invalid);
    }

    void stringLongerThanTheFrameIsRejected()
    {
        Writer w;
        w.u32(0); // flags
        w.u32(1000); // procId claims 1000 bytes, frame has 3
        w.buffer() += "abc";
        Frame f { uint8_t(Type::Exec), 1, w.buffer() };
        Exec out;
        QVERIFY(!decodeMessage(f, out));
    }

    void tooManyArgumentsAreRejected()
    {
        Writer w;
        w.u32(0);
        w.bytes("");
        w.u32(uint32_t(kMaxArgs + 1));
        Frame f { uint8_t(Type::Exec), 1, w.buffer() };
        Exec out;
        QVERIFY(!decodeMessage(f, out));
    }

    void trailingBytesAreRejected()
    {
        Writer w;
        Started { 3 }.encode(w);
        w.u8(0);
        Frame f { uint8_t(Type::Started), 1, w.buffer() };
        Started out;
        QVERIFY(!decodeMessage(f, out));
    }

    void exitStatusOutOfRangeIsRejected()
    {
        Frame f { uint8_t(Type::Exited), 0, {} };
        Writer w;
        Exited { "p1", 999, 0 }.encode(w);
        f.payload = w.buffer();
        Exited out;
        QVERIFY(!decodeMessage(f, out));
    }

    void egressRefusalRoundTripsAndRejectsBadPorts()
    {
        EgressRefusal r;
        r.protocol = "raw-socket";
        r.what = "raw IPv4 socket";
        r.address = "198.51.100.1";
        r.port = 443;
        r.pid = 7;
        r.process = "ping (pid 7)";
        r.repeats = 3;
        Writer w;
        r.encode(w);
        Frame f { kEgressRefusalType, 0, w.buffer() };
        EgressRefusal out;
        QVERIFY(decodeMessage(f, out));
        QCOMPARE(out.what, r.what);
        QCOMPARE(out.port, uint16_t(443));
        QCOMPARE(out.repeats, 3u);
        // A port past 65535 or a missing protocol is not a refusal.
        Writer bad;
        bad.bytes("udp");
        bad.bytes("x");
        bad.bytes("");
        bad.u32(70000);
        bad.i32(0);
        bad.bytes("");
        bad.u32(0);
        f.payload = bad.buffer();
        QVERIFY(!decodeMessage(f, out));
        r.protocol.clear();
        Writer empty;
        r.encode(empty);
        f.payload = empty.buffer();
        QVERIFY(!decodeMessage(f, out));
    }

    void procIdsAreRestrictedToASafeAlphabet()
    {
        QVERIFY(isValidProcId("p12"));
        QVERIFY(!isValidProcId(""));
        QVERIFY(!isValidProcId("../etc"));
        QVERIFY(!isValidProcId("p/1"));
        QVERIFY(!isValidProcId(std::string(kMaxIdLen + 1, 'a')));
    }

    void randomBytesNeverCrashTheDecoders()
    {
        QRandomGenerator rng(1234);
        for (int i = 0; i < 20000; ++i) {
            std::string bytes(rng.bounded(64), '\0');
            for (char &ch : bytes)
                ch = char(rng.bounded(256));
            Frame f { uint8_t(rng.bounded(16)), rng.generate(), bytes };
            Hello h; Exec e; Started s; Output o; Exited x; Failed fl; Kill k; ProcessList pl; Shutdown sd;
            decodeMessage(f, h); decodeMessage(f, e); decodeMessage(f, s); decodeMessage(f, o);
            decodeMessage(f, x); decodeMessage(f, fl); decodeMessage(f, k); decodeMessage(f, pl);
            decodeMessage(f, sd);
            FrameParser parser;
            parser.append(bytes.data(), bytes.size());
            Frame out;
            while (parser.next(out) == FrameParser::Status::Ready) { }
        }
    }
};

QTEST_GUILESS_MAIN(TstWireCodec)
#include "tst_wire_codec.moc"
