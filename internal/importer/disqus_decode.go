package importer

import "encoding/xml"

// decodeDisqusPost reads the <post> that start opened into po, as
// x.decode(po, start) (encoding/xml's DecodeElement) would: an attribute
// or element is matched by its local name whatever its namespace, the
// last one of a name wins, a text field is the character data directly
// inside its element (that of elements nested in it is left out), and
// unknown elements are skipped. DecodeElement finds fields by reflection
// for every element; that was a fifth of the time spent reading an
// export. TestDisqusPostDecodersAgree and FuzzDisqusPostDecoders compare
// the two. As with decode, the whole element counts against the token
// limit.
func (x *xmlReader) decodeDisqusPost(po *disqusPost, start *xml.StartElement) error {
	x.guard.reset()
	po.UID = lastAttr(start.Attr, "id", po.UID)
	// field is the text field whose element is open, at fieldDepth; text
	// gathers its character data.
	var field *string
	var text []byte
	fieldDepth, inAuthor := 0, 0
	for depth := 1; depth > 0; {
		tok, err := x.dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if field != nil {
				continue // an element inside a text field: its text is not the field's
			}
			switch {
			case depth == 2:
				switch t.Name.Local {
				case "author":
					inAuthor = depth
				case "thread":
					po.Thread.UID = lastAttr(t.Attr, "id", po.Thread.UID)
				case "parent":
					po.Parent.UID = lastAttr(t.Attr, "id", po.Parent.UID)
				default:
					field = postField(po, t.Name.Local)
				}
			case depth == 3 && inAuthor == 2:
				field = authorField(po, t.Name.Local)
			}
			if field != nil {
				fieldDepth, text = depth, text[:0]
			}
		case xml.EndElement:
			if field != nil && depth == fieldDepth {
				*field = string(text)
				field = nil
			}
			if depth == inAuthor {
				inAuthor = 0
			}
			depth--
		case xml.CharData:
			if field != nil && depth == fieldDepth {
				text = append(text, t...)
			}
		}
	}
	return nil
}

// lastAttr is the value of the last attribute named local (in any
// namespace), or old when there is none.
func lastAttr(attrs []xml.Attr, local, old string) string {
	for _, a := range attrs {
		if a.Name.Local == local {
			old = a.Value
		}
	}
	return old
}

// postField is the text field of a <post> child element, nil for one
// that has none.
func postField(po *disqusPost, local string) *string {
	switch local {
	case "message":
		return &po.Message
	case "createdAt":
		return &po.CreatedAt
	case "isDeleted":
		return &po.Deleted
	case "isSpam":
		return &po.Spam
	case "isApproved":
		return &po.Approved
	case "ipAddress":
		return &po.IP
	}
	return nil
}

// authorField is the text field of an <author> child element, nil for one
// that has none.
func authorField(po *disqusPost, local string) *string {
	switch local {
	case "email":
		return &po.Author.Email
	case "name":
		return &po.Author.Name
	case "username":
		return &po.Author.Username
	case "link":
		return &po.Author.Link
	}
	return nil
}
