# _hashlib through OpenSSL, _ssl, hmac, secrets-free determinism
import hashlib, hmac, ssl, _hashlib
data = b'The quick brown fox jumps over the lazy dog' * 100
for name in ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3_256', 'sha3_512', 'blake2b', 'blake2s', 'shake_128', 'sm3' if 'sm3' in hashlib.algorithms_available else 'sha512_256']:
    h = hashlib.new(name, data)
    print(name, h.hexdigest(16) if name.startswith('shake') else h.hexdigest())
print(type(hashlib.sha256()).__module__ if hasattr(type(hashlib.sha256()), '__module__') else '', hashlib.sha256 is not None)
print(_hashlib.openssl_sha256(b'abc').hexdigest(), hashlib.pbkdf2_hmac('sha256', b'password', b'salt', 1000).hex())
print(hashlib.scrypt(b'password', salt=b'NaCl', n=16, r=8, p=1, dklen=32).hex())
print(hmac.new(b'key', data, 'sha512').hexdigest(), hmac.compare_digest(b'a', b'a'))
h = hashlib.sha256(); [h.update(bytes([i]) * i) for i in range(256)]; print(h.hexdigest(), h.copy().digest_size)
ctx = ssl.create_default_context()
print(ctx.verify_mode, ctx.check_hostname, ctx.minimum_version, ctx.protocol, ssl.OPENSSL_VERSION.split()[0])
ctx2 = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
print(ctx2.verify_mode, len(ctx.get_ciphers()) > 0, ssl.HAS_TLSv1_3, ssl.HAS_SNI)
print(ssl.RAND_bytes(16).__len__(), ssl.RAND_status())
try:
    ctx.load_verify_locations('/nonexistent/ca.pem')
except (FileNotFoundError, ssl.SSLError) as e:
    print(type(e).__name__, e.errno)
