print("mizan")
