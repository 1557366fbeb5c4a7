// crosscheck is the independent Go side of libs/crypto/test/go-crosscheck.int.spec.ts. It uses
// only the Go standard library and golang.org/x/crypto + golang.org/x/mod from Debian's packages
// (the same code cosign and the Go checksum database build on) to check what the TypeScript
// library produces, and to produce material for the TypeScript library to read.
//
// It reads one JSON request on stdin and writes one JSON response on stdout.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
	"golang.org/x/mod/sumdb/note"
)

// The encrypted-key document of go-securesystemslib's "encrypted" package, which cosign uses.
type scryptParams struct {
	N int `json:"N"`
	R int `json:"r"`
	P int `json:"p"`
}

type encryptedKey struct {
	KDF struct {
		Name   string       `json:"name"`
		Params scryptParams `json:"params"`
		Salt   []byte       `json:"salt"`
	} `json:"kdf"`
	Cipher struct {
		Name  string `json:"name"`
		Nonce []byte `json:"nonce"`
	} `json:"cipher"`
	Ciphertext []byte `json:"ciphertext"`
}

type request struct {
	Mode      string `json:"mode"`
	PEM       string `json:"pem"`
	Password  string `json:"password"`
	Payload   []byte `json:"payload"`
	Signature []byte `json:"signature"`
	Boxes     []struct {
		Key   []byte `json:"key"`
		Nonce []byte `json:"nonce"`
		Msg   []byte `json:"msg"`
	} `json:"boxes"`
	Note string `json:"note"`
	VKey string `json:"vkey"`
}

type response struct {
	OK           bool     `json:"ok"`
	Error        string   `json:"error,omitempty"`
	KeyType      string   `json:"keyType,omitempty"`
	KeyID        string   `json:"keyId,omitempty"`
	PublicKeyPEM string   `json:"publicKeyPem,omitempty"`
	PEM          string   `json:"pem,omitempty"`
	Signature    []byte   `json:"signature,omitempty"`
	SigValid     bool     `json:"sigValid"`
	Boxes        [][]byte `json:"boxes,omitempty"`
	Text         string   `json:"text,omitempty"`
}

// loadCosignKey follows cosign's LoadPrivateKey: PEM type check, go-securesystemslib Decrypt
// (name checks, the three accepted scrypt parameter sets, scrypt, secretbox), PKCS#8 parse.
func loadCosignKey(pemText string, password []byte) (crypto.Signer, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("invalid pem block")
	}
	if block.Type != "ENCRYPTED COSIGN PRIVATE KEY" && block.Type != "ENCRYPTED SIGSTORE PRIVATE KEY" {
		return nil, fmt.Errorf("unsupported pem type: %s", block.Type)
	}
	var doc encryptedKey
	if err := json.Unmarshal(block.Bytes, &doc); err != nil {
		return nil, err
	}
	if doc.KDF.Name != "scrypt" || doc.Cipher.Name != "nacl/secretbox" {
		return nil, errors.New("unknown kdf or cipher")
	}
	p := doc.KDF.Params
	if p.R != 8 || p.P != 1 || (p.N != 32768 && p.N != 65536 && p.N != 131072) {
		return nil, errors.New("unsupported scrypt parameters")
	}
	key, err := scrypt.Key(password, doc.KDF.Salt, p.N, p.R, p.P, 32)
	if err != nil {
		return nil, err
	}
	if len(doc.Cipher.Nonce) != 24 {
		return nil, errors.New("bad nonce")
	}
	var k [32]byte
	var n [24]byte
	copy(k[:], key)
	copy(n[:], doc.Cipher.Nonce)
	der, ok := secretbox.Open(nil, doc.Ciphertext, &n, &k)
	if !ok {
		return nil, errors.New("decryption failed")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	signer, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, errors.New("not a signer")
	}
	return signer, nil
}

func describe(pub crypto.PublicKey, resp *response) error {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(der)
	resp.KeyID = hex.EncodeToString(sum[:])
	resp.PublicKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return nil
}

// signAndVerify signs payload the way cosign does and checks the caller's signature.
func signAndVerify(signer crypto.Signer, req request, resp *response) error {
	digest := sha256.Sum256(req.Payload)
	switch pub := signer.Public().(type) {
	case *ecdsa.PublicKey:
		resp.KeyType = "ecdsa-" + pub.Curve.Params().Name
		sig, err := ecdsa.SignASN1(rand.Reader, signer.(*ecdsa.PrivateKey), digest[:])
		if err != nil {
			return err
		}
		resp.Signature = sig
		resp.SigValid = ecdsa.VerifyASN1(pub, digest[:], req.Signature)
	case ed25519.PublicKey:
		resp.KeyType = "ed25519"
		resp.Signature = ed25519.Sign(signer.(ed25519.PrivateKey), req.Payload)
		resp.SigValid = ed25519.Verify(pub, req.Payload, req.Signature)
	default:
		return fmt.Errorf("unexpected key type %T", pub)
	}
	return describe(signer.Public(), resp)
}

func run(req request) (response, error) {
	var resp response
	switch req.Mode {
	case "load-cosign-key":
		signer, err := loadCosignKey(req.PEM, []byte(req.Password))
		if err != nil {
			return resp, err
		}
		return resp, signAndVerify(signer, req, &resp)
	case "make-cosign-key":
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return resp, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return resp, err
		}
		var doc encryptedKey
		doc.KDF.Name = "scrypt"
		doc.KDF.Params = scryptParams{N: 32768, R: 8, P: 1}
		doc.KDF.Salt = make([]byte, 32)
		doc.Cipher.Name = "nacl/secretbox"
		doc.Cipher.Nonce = make([]byte, 24)
		if _, err := rand.Read(doc.KDF.Salt); err != nil {
			return resp, err
		}
		if _, err := rand.Read(doc.Cipher.Nonce); err != nil {
			return resp, err
		}
		key, err := scrypt.Key([]byte(req.Password), doc.KDF.Salt, 32768, 8, 1, 32)
		if err != nil {
			return resp, err
		}
		var k [32]byte
		var n [24]byte
		copy(k[:], key)
		copy(n[:], doc.Cipher.Nonce)
		doc.Ciphertext = secretbox.Seal(nil, der, &n, &k)
		body, err := json.Marshal(doc)
		if err != nil {
			return resp, err
		}
		resp.PEM = string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED SIGSTORE PRIVATE KEY", Bytes: body}))
		return resp, signAndVerify(priv, req, &resp)
	case "secretbox":
		for _, b := range req.Boxes {
			var k [32]byte
			var n [24]byte
			copy(k[:], b.Key)
			copy(n[:], b.Nonce)
			resp.Boxes = append(resp.Boxes, secretbox.Seal(nil, b.Msg, &n, &k))
		}
		return resp, nil
	case "open-note":
		verifier, err := note.NewVerifier(req.VKey)
		if err != nil {
			return resp, err
		}
		n, err := note.Open([]byte(req.Note), note.VerifierList(verifier))
		if err != nil {
			return resp, err
		}
		resp.Text = n.Text
		return resp, nil
	}
	return resp, fmt.Errorf("unknown mode %q", req.Mode)
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	resp, err := run(req)
	if err != nil {
		resp = response{OK: false, Error: err.Error()}
	} else {
		resp.OK = true
	}
	if err := json.NewEncoder(os.Stdout).Encode(resp); err != nil {
		os.Exit(2)
	}
}
