package importtest

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// GenDisqus writes a Disqus export with threads×perThread posts, on the
// pages /posts/0/ to /posts/{threads-1}/ of blog.example. Every third post
// replies to the post before it, and with reversed the posts of each thread
// come newest first (replies before their parents). The importer's tests
// and benchmarks use it, and so does the import scenario of bench/.
func GenDisqus(w io.Writer, threads, perThread int, reversed bool) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<category dsq:id="1"><forum>bench</forum><title>General</title><isDefault>true</isDefault></category>
`)
	for t := range threads {
		fmt.Fprintf(bw, `<thread dsq:id="t%d"><id>post-%d</id><forum>bench</forum><category dsq:id="1" /><link>https://blog.example/posts/%d/</link><title>Post number %d</title><message /><createdAt>2020-01-01T00:00:00Z</createdAt><author><email>owner@blog.example</email><name>Owner</name><isAnonymous>false</isAnonymous><username>owner</username></author><ipAddress>127.0.0.1</ipAddress><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>
`, t, t, t, t)
	}
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for t := range threads {
		for i := range perThread {
			n := i
			if reversed {
				n = perThread - 1 - i
			}
			id := t*perThread + n
			parent := ""
			if n%3 == 2 {
				parent = fmt.Sprintf(`<parent dsq:id="%d" />`, id-1)
			}
			at := base.Add(time.Duration(id) * time.Minute).Format(time.RFC3339)
			fmt.Fprintf(bw, `<post dsq:id="%d"><id /><message><![CDATA[<p>Comment %d on thread %d: a <b>bold</b> word, a <a href="https://example.com/%d">link</a> and some more text to make it a realistic length.</p><p>Second paragraph.</p>]]></message><createdAt>%s</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><email>reader%d@example.com</email><name>Reader %d</name><isAnonymous>false</isAnonymous><username>reader%d</username></author><ipAddress>192.0.2.%d</ipAddress><thread dsq:id="t%d" />%s</post>
`, id, id, t, id, at, id%500, id%500, id%500, id%250, t, parent)
		}
	}
	fmt.Fprint(bw, "</disqus>\n")
	return bw.Flush()
}
