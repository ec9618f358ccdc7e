package importer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/importer/importtest"
)

// decoded is what a way of reading posts read from an export: the posts,
// the line the decoder stood on after each, how many it read by
// fastDisqusPost, and the error it stopped at.
type decoded struct {
	posts []disqusPost
	lines []int
	fast  int
	err   error
}

// postsBy decodes every <post> of an export with decode, in order; it
// stops at the first error.
func postsBy(data []byte, decode func(x *xmlReader, po *disqusPost, start *xml.StartElement) (fast bool, err error)) decoded {
	var d decoded
	x, err := newXMLReader(bytes.NewReader(data), 1<<20)
	if err != nil {
		d.err = err
		return d
	}
	for {
		tok, err := x.token()
		if errors.Is(err, io.EOF) {
			return d
		}
		if err != nil {
			d.err = err
			return d
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "post" {
			var po disqusPost
			fast, err := decode(x, &po, &t)
			if err != nil {
				d.err = err
				return d
			}
			if fast {
				d.fast++
			}
			line, _ := x.dec.InputPos()
			d.posts, d.lines = append(d.posts, po), append(d.lines, line)
		}
	}
}

func reflected(x *xmlReader, po *disqusPost, start *xml.StartElement) (bool, error) {
	return false, x.decode(po, start)
}
func byHand(x *xmlReader, po *disqusPost, start *xml.StartElement) (bool, error) {
	return false, x.decodeDisqusPost(po, start)
}

// fastOrByHand reads a post as parseDisqus does.
func fastOrByHand(x *xmlReader, po *disqusPost, start *xml.StartElement) (bool, error) {
	fast, err := x.fastDisqusPost(po, start)
	if err == nil && !fast {
		err = x.decodeDisqusPost(po, start)
	}
	return fast, err
}

// checkDecodersAgree fails when decodeDisqusPost, or fastDisqusPost with
// it, reads data otherwise than DecodeElement does: other posts, or an
// error where the other has none; and when fastDisqusPost leaves the
// decoder on another line (errors name it). It returns how many posts
// fastDisqusPost read.
func checkDecodersAgree(t *testing.T, data []byte) int {
	t.Helper()
	want := postsBy(data, reflected)
	var fast int
	for _, way := range []struct {
		name   string
		decode func(x *xmlReader, po *disqusPost, start *xml.StartElement) (bool, error)
	}{{"by hand", byHand}, {"fast", fastOrByHand}} {
		got := postsBy(data, way.decode)
		if (want.err == nil) != (got.err == nil) {
			t.Fatalf("DecodeElement: %v; %s: %v", want.err, way.name, got.err)
		}
		if len(got.posts) != len(want.posts) {
			t.Fatalf("%s %d posts, DecodeElement %d", way.name, len(got.posts), len(want.posts))
		}
		for i := range want.posts {
			if got.posts[i] != want.posts[i] {
				t.Errorf("post %d:\n%-13s %+v\nDecodeElement %+v", i, way.name, got.posts[i], want.posts[i])
			}
			if got.lines[i] != want.lines[i] {
				t.Errorf("after post %d, %s stands on line %d, DecodeElement on %d", i, way.name, got.lines[i], want.lines[i])
			}
		}
		fast = got.fast
	}
	return fast
}

// tricky are posts that take DecodeElement's rules at their word.
const tricky = `<?xml version="1.0"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:other="urn:other">
<post dsq:id="1" id="2"><message>a<!-- c -->b<![CDATA[<p>c</p>]]><b>nested</b>d</message><message></message>
<createdAt> 2020-01-01T00:00:00Z </createdAt><other:isSpam>true</other:isSpam><isApproved>false</isApproved>
<author><name>Ann</name><email>ann@example.com</email><author><name>inner</name></author><username>a<i>x</i></username>
<link>https://ann.example</link></author><author><name>Second</name></author>
<thread dsq:id="t1"><thread dsq:id="inner" /></thread><thread /><parent dsq:id="p1" other:id="p2" />
<unknown><message>not this</message></unknown>text outside<ipAddress>192.0.2.1</ipAddress><isDeleted>false</isDeleted></post>
<post><message>plain</message></post>
</disqus>`

// plain are posts fastDisqusPost reads, with what it reads of each form.
const plain = `<?xml version="1.0"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<post dsq:id="1">
  <id />
  <message><![CDATA[<p>a &amp; b</p>]]></message><message>x &lt;y&gt; &amp; &quot;z&quot; &apos;w&apos;<![CDATA[ and ]]>more</message>
  <createdAt>2020-01-01T00:00:00Z</createdAt>
  <isDeleted>false</isDeleted><isSpam/><isApproved>true</isApproved>
  <author><email>ann@example.com</email><name>Ann &amp; Bob</name><isAnonymous>false</isAnonymous><username>ann</username><link/></author>
  <ipAddress>192.0.2.1</ipAddress>
  <thread dsq:id="t1" /><parent dsq:id='p&amp;1' other="x"></parent>
  <forum>bench<nested a="1"><deeper/></nested></forum>
</post>
<post dsq:id="2"><thread dsq:id="t1"><id>7</id></thread><author/><message/></post >
<post dsq:id="3"></post>
<post dsq:id="4">

</post>
<dsq:post dsq:id="5"><dsq:message>prefixed</dsq:message><x:thread x:id="t2" dsq:id="t3"/></dsq:post>
</disqus>`

// TestDisqusPostDecodersAgree: the hand-written decoder of a <post>, and
// fastDisqusPost before it, read the hand-made fixture, a generated export,
// tricky and plain posts and, when it is there, every Disqus export of the
// real-world corpus exactly as DecodeElement does; fastDisqusPost reads
// the plain and generated ones itself.
func TestDisqusPostDecodersAgree(t *testing.T) {
	t.Run("tricky", func(t *testing.T) { checkDecodersAgree(t, []byte(tricky)) })
	t.Run("fixture", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join("testdata", "disqus.xml"))
		if err != nil {
			t.Fatal(err)
		}
		checkDecodersAgree(t, data)
	})
	t.Run("generated", func(t *testing.T) {
		var b bytes.Buffer
		if err := importtest.GenDisqus(&b, 5, 20, true); err != nil {
			t.Fatal(err)
		}
		if fast := checkDecodersAgree(t, b.Bytes()); fast != 100 {
			t.Errorf("fastDisqusPost read %d posts of 100", fast)
		}
	})
	t.Run("fast", func(t *testing.T) {
		if fast := checkDecodersAgree(t, []byte(plain)); fast != 5 {
			t.Errorf("fastDisqusPost read %d posts of 5", fast)
		}
	})
	t.Run("corpus", func(t *testing.T) {
		data, err := os.ReadFile(importtest.Corpus(t, "disqus-small.xml"))
		if err != nil {
			t.Fatal(err)
		}
		checkDecodersAgree(t, data)
	})
}

// FuzzDisqusPostDecoders compares the two decoders of a <post> on
// arbitrary documents.
//
//	go test ./internal/importer -run '^$' -fuzz '^FuzzDisqusPostDecoders$' -fuzztime 30s
func FuzzDisqusPostDecoders(f *testing.F) {
	f.Add([]byte(tricky))
	f.Add([]byte(plain))
	if data, err := os.ReadFile(filepath.Join("testdata", "disqus.xml")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecodersAgree(t, data) })
}
