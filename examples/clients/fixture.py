# Uses customerdb as a test fixture from Python (standard library only): starts `customerdb rpc`,
# creates data and queries it. Set CUSTOMERDB to the program's path if it is not on PATH.
import itertools, json, os, subprocess

class CustomerDb:
    def __init__(self, program=os.environ.get("CUSTOMERDB", "customerdb")):
        self.proc = subprocess.Popen([program, "rpc"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.ids = itertools.count(1)

    def call(self, method, *params):
        request = {"jsonrpc": "2.0", "id": next(self.ids), "method": method, "params": params}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        response = json.loads(self.proc.stdout.readline())
        if "error" in response:
            raise RuntimeError(f"{response['error']['data']['type']}: {response['error']['message']}")
        return response["result"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()

db = CustomerDb()
vip = db.call("createCustomerGroup", {"name": "VIP"})
john = db.call("create", {"email": "john@smith.com", "first_name": "John",
                          "addresses": [{"city": "Oslo", "is_default_billing": True}]})
db.call("addCustomerToGroup", {"customer_id": john["id"], "customer_group_id": vip["id"]})

rows, count = db.call("listAndCount", {"groups": vip["id"]}, {"relations": ["addresses"]})
assert count == 1 and rows[0]["addresses"][0]["city"] == "Oslo"
try:
    db.call("create", {"email": "john@smith.com"})
except RuntimeError as e:
    print(e)  # invalid_data: Customer with email: john@smith.com, has_account: false, already exists.
db.close()
