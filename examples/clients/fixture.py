# Uses customerdb as a test fixture from Python with the client package of clients/python
# (standard library only; on PYTHONPATH as clients/python/src, or installed with pip): starts
# `customerdb rpc`, creates data and queries it. Set CUSTOMERDB to the program's path if it is
# not on PATH.
from customerdb import CustomerDb, InvalidDataError

with CustomerDb.start() as db:  # stops the program cleanly at the end of the block
    vip = db.createCustomerGroup({"name": "VIP"})
    john = db.create({"email": "john@smith.com", "first_name": "John",
                      "addresses": [{"city": "Oslo", "is_default_billing": True}]})
    db.addCustomerToGroup({"customer_id": john["id"], "customer_group_id": vip["id"]})

    rows, count = db.listAndCount({"groups": vip["id"]}, {"relations": ["addresses"]})
    assert count == 1 and rows[0]["addresses"][0]["city"] == "Oslo"

    with db.transaction() as tx:  # sharedContext: commits at the end, rolls back on an exception
        ann = db.create({"email": "ann@example.com"}, tx)
        db.addCustomerToGroup({"customer_id": ann["id"], "customer_group_id": vip["id"]}, tx)
    assert db.listAndCount({"groups": vip["id"]})[1] == 2

    try:
        db.create({"email": "john@smith.com"})
    except InvalidDataError as e:
        print(e)  # invalid_data: Customer with email: john@smith.com, has_account: false, already exists.
